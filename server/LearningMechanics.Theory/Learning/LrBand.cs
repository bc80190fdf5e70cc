namespace LearningMechanics.Theory.Learning;

/// <summary>Where a learning rate falls relative to eta_crit = 2/lambda_max(H) at init (THEORY.md §8.2, §18).</summary>
public enum LrBand
{
    /// <summary>eta &lt; eta_crit: the loss decreases monotonically (lazy phase); with momentum: linearly stable (the loss may oscillate).</summary>
    Monotone,

    /// <summary>eta_crit &lt; eta &lt; 2 eta_crit: expect an early loss spike, then recovery at lower curvature (catapult).</summary>
    Catapult,

    /// <summary>eta &gt; 2 eta_crit: divergence expected (uv model: exactly above 4/lambda_0; MLP grid: median 2.5x eta_crit).</summary>
    Divergent,
}
