using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Theory.Scaling;

/// <summary>Where a weight layer sits for width scaling (THEORY.md §9.1): finite to width, width to width, width to finite.</summary>
public enum LayerRole
{
    Input,
    Hidden,
    Output,
}

/// <summary>
/// One weight layer's width scaling: its role, the exponent e in Var(W) ∝ fan_in^-e read from the declared init, and the
/// parameterization that implies. "SP" is PyTorch's default (e = 1 everywhere, one global rate); "muP" needs e = 2 (or a
/// 1/width multiplier) at the readout and per-layer rates (THEORY.md §9.1 table).
/// </summary>
public sealed record LayerScaling(int NodeId, LayerRole Role, long FanIn, double InitExponent, string Parameterization);

/// <summary>SP vs muP detection per layer and the coord-check slope it implies (THEORY.md §9.1, §16 row 27).</summary>
/// <remarks>
/// Init exponent: PyTorch's default, Kaiming, Xavier and orthogonal inits scale as 1/fan_in (e = 1); an explicit
/// normal/uniform/constant init has a fixed variance, whose exponent at this width is -ln Var / ln fan_in, rounded to the
/// nearest half. The model has one global learning rate (no per-layer groups), so its rates are SP's.
/// Implied log–log slope of mean |Δh| of a hidden pre-activation against width after a few steps (the coord check):
///   Adam, SP (global rate): +1 (the first Adam step moves every weight by ~eta, so Δh ∝ fan_in)   row 27 [C]: +1.00
///   Adam, muP (hidden rate ∝ 1/fan_in): 0                                                          row 27 [C]: 0.01
///   SGD, SP: +1/2 (δ ∝ width^-1/2 from a 1/fan_in readout, ΔW a ∝ width δ)                         [D]
///   SGD, muP: 0 [D]. The output change has slope +1 under SP with SGD, since Theta ∝ width (THEORY.md §6.1, §8.4).
/// Evidence: [C] for Adam (THEORY.md §9 coord check), [D] for SGD. Regime: widths large, few steps, no normalisation.
/// </remarks>
public static class WidthScaling
{
    public static ImmutableArray<LayerScaling> Detect(ModelGraph graph)
    {
        var weights = graph.Nodes.Where(n => n.Op.Fans is not null).ToList();
        var result = ImmutableArray.CreateBuilder<LayerScaling>();
        for (var idx = 0; idx < weights.Count; idx++)
        {
            var node = weights[idx];
            var fans = node.Op.Fans!.Value;
            var role = weights.Count == 1 ? LayerRole.Output : idx == 0 ? LayerRole.Input : idx == weights.Count - 1 ? LayerRole.Output : LayerRole.Hidden;
            var exponent = InitExponent(node.WeightInit, node.SigmaW2 ?? 0, fans.FanIn);
            var parameterization = role == LayerRole.Output
                ? exponent >= 1.75 ? "muP" : "SP"
                : Math.Abs(exponent - 1) <= 0.25 ? "SP/muP" : "fixed-variance";
            result.Add(new LayerScaling(node.Id, role, fans.FanIn, exponent, parameterization));
        }
        return result.ToImmutable();
    }

    /// <summary>Whole-model reading: muP when the readout scales as 1/fan_in^2 (rates aside), SP otherwise.</summary>
    public static string ModelParameterization(ImmutableArray<LayerScaling> layers) =>
        layers.Any(l => l.Role == LayerRole.Output && l.Parameterization == "muP") ? "muP readout, global rate" : "SP";

    /// <summary>Implied hidden-layer coord-check slope for the optimizer form under a global rate (SP) or muP rates.</summary>
    public static double? CoordCheckSlope(OptimizerForm form, bool muPRates) => form switch
    {
        OptimizerForm.Adaptive => muPRates ? 0 : 1,
        OptimizerForm.GradientDescent or OptimizerForm.HeavyBall or OptimizerForm.Nesterov => muPRates ? 0 : 0.5,
        _ => null,
    };

    private static double InitExponent(InitSpec? init, double sigmaW2, long fanIn)
    {
        if (init is null or TorchDefaultInit or KaimingInit or XavierInit or OrthogonalInit)
            return 1;
        var variance = sigmaW2 / fanIn;
        if (!(variance > 0) || fanIn < 2)
            return double.PositiveInfinity;
        return Math.Round(2 * -Math.Log(variance) / Math.Log(fanIn)) / 2;
    }
}
