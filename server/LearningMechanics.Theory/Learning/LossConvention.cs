using LearningMechanics.Model.Training;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// The loss exactly as written, which every learning-rate number depends on (THEORY.md §0.2): its kind, its reduction,
/// and whether it carries a 1/2. None of TorchSharp's losses has the 1/2: <c>MSELoss(mean)</c> is (1/(nK)) sum (f-y)^2,
/// whose Hessian is twice that of the theory papers' (1/(2nK)) sum (f-y)^2.
/// </summary>
public sealed record LossConvention(LossKind Kind, LossReduction Reduction, bool HasHalf = false)
{
    /// <summary>TorchSharp's MSELoss() default.</summary>
    public static LossConvention TorchMseMean { get; } = new(LossKind.Mse, LossReduction.Mean);

    /// <summary>The theory papers' (1/(2m)) sum (f-y)^2.</summary>
    public static LossConvention HalfMseMean { get; } = new(LossKind.Mse, LossReduction.Mean, HasHalf: true);

    public string Describe() => (Kind, Reduction, HasHalf) switch
    {
        (LossKind.Mse, LossReduction.Mean, false) => "MSE, mean over n·K terms, no 1/2 (TorchSharp MSELoss(mean))",
        (LossKind.Mse, LossReduction.Mean, true) => "MSE, (1/(2nK)) sum (f-y)^2 (theory convention)",
        (LossKind.Mse, LossReduction.Sum, false) => "MSE, sum of (f-y)^2, no 1/2 (TorchSharp MSELoss(sum))",
        (LossKind.Mse, LossReduction.Sum, true) => "MSE, (1/2) sum (f-y)^2",
        (LossKind.CrossEntropy or LossKind.Nll, LossReduction.Mean, _) => "cross-entropy, mean over n examples",
        (LossKind.CrossEntropy or LossKind.Nll, LossReduction.Sum, _) => "cross-entropy, summed over examples",
        (LossKind.Bce, LossReduction.Mean, _) => "binary cross-entropy with logits, mean over n·K terms",
        _ => $"{Kind} loss, reduction {Reduction}",
    };
}
