namespace LearningMechanics.Theory.Learning;

/// <summary>The update rule a learning-rate threshold assumes (THEORY.md §8.1).</summary>
public enum OptimizerForm
{
    /// <summary>theta -= eta g: stable iff eta lambda_max(H) &lt; 2.</summary>
    GradientDescent,

    /// <summary>PyTorch SGD(momentum = beta, dampening = 0): heavy ball, stable iff eta lambda &lt; 2 + 2 beta.</summary>
    HeavyBall,

    /// <summary>PyTorch SGD(nesterov = true): stable iff eta lambda &lt; (2 + 2 beta)/(1 + 2 beta).</summary>
    Nesterov,

    /// <summary>Adam, AdamW, RMSprop, Adagrad: preconditioned; no raw-rate threshold from lambda_max(H).</summary>
    Adaptive,

    /// <summary>An optimizer the frontends could not classify: no threshold is claimed.</summary>
    Unknown,
}
