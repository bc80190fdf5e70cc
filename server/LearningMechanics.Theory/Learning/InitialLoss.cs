namespace LearningMechanics.Theory.Learning;

/// <summary>Expected loss at init from the output variance (THEORY.md §6.2). f_0 is independent of y and centred.</summary>
public static class InitialLoss
{
    /// <summary>
    /// E[L_0] for MSE: (mean y^2 + Var f) in TorchSharp's MSELoss(mean) (no 1/2); half that with the 1/2.     [D]
    /// </summary>
    public static double Mse(double meanTargetSquare, double outputVariance, LossConvention loss) =>
        (loss.HasHalf ? 0.5 : 1.0) * (meanTargetSquare + outputVariance);

    /// <summary>
    /// E[L_0] for cross-entropy with K classes and i.i.d. N(0, q) logits: ln K + q (K-1)/(2K), second order in q
    /// (0.5% for q &lt;= 0.5; degrades for q ≳ 1). THEORY.md §6.2 [D; C Monte Carlo].
    /// </summary>
    public static double CrossEntropy(int classes, double logitVariance) =>
        Math.Log(classes) + logitVariance * (classes - 1) / (2.0 * classes);

    /// <summary>Jensen upper bound ln K + q/2 on the same expectation.</summary>
    public static double CrossEntropyUpperBound(int classes, double logitVariance) => Math.Log(classes) + logitVariance / 2;
}
