namespace LearningMechanics.Theory.Learning;

/// <summary>Gradient-noise-scale relations of McCandlish et al. 2018 as functions the trainer fills in (THEORY.md §11).</summary>
/// <remarks>
/// G = E[g], Sigma the per-example gradient covariance, H the Hessian:                                     THEORY.md §11
///   B_noise = tr(H Sigma)/(G^T H G),  B_simple = tr(Sigma)/|G|^2 (H ∝ I);
///   eps_opt(B) = eps_max/(1 + B_noise/B);  S = S_min (1 + B_noise/B),  E = E_min (1 + B/B_noise),
///   so (S/S_min - 1)(E/E_min - 1) = 1 and B_crit = E_min/S_min ≈ B_noise.
/// Two-batch estimator from E|G_B|^2 = |G|^2 + tr(Sigma)/B [D]:
///   |G|^2 ≈ (B_big |G_big|^2 - B_small |G_small|^2)/(B_big - B_small),  tr(Sigma) ≈ (|G_small|^2 - |G_big|^2)/(1/B_small - 1/B_big).
/// Average many batches before dividing: the ratio of two unbiased estimates is biased.
/// Rate–batch rules below B_crit: SGD linear (eta ∝ B) [U details], Adam/RMSprop square root (eta ∝ sqrt B) [V abstract].
/// Evidence: [V] via restatements of McCandlish et al.; estimator [D]. Regime: local quadratic; Adam needs the preconditioned H.
/// </remarks>
public static class NoiseScale
{
    public static double Noise(double traceHSigma, double gradientHessianGradient) => traceHSigma / gradientHessianGradient;

    public static double Simple(double traceSigma, double gradientNormSquared) => traceSigma / gradientNormSquared;

    /// <summary>(|G|^2, tr(Sigma)) from mean squared gradient norms at two batch sizes.</summary>
    public static (double GradientNormSquared, double TraceSigma) TwoBatch(double smallNormSquared, int smallBatch, double bigNormSquared, int bigBatch)
    {
        var gradient = (bigBatch * bigNormSquared - smallBatch * smallNormSquared) / (bigBatch - smallBatch);
        var trace = (smallNormSquared - bigNormSquared) / (1.0 / smallBatch - 1.0 / bigBatch);
        return (gradient, trace);
    }

    /// <summary>Optimal step and improvement per step relative to the full-batch ones: 1/(1 + B_noise/B).</summary>
    public static double StepFraction(double batch, double noiseScale) => 1 / (1 + noiseScale / batch);

    /// <summary>Steps to a target loss: S = S_min (1 + B_noise/B).</summary>
    public static double Steps(double minSteps, double noiseScale, double batch) => minSteps * (1 + noiseScale / batch);

    /// <summary>Examples to a target loss: E = E_min (1 + B/B_noise).</summary>
    public static double Examples(double minExamples, double noiseScale, double batch) => minExamples * (1 + batch / noiseScale);

    /// <summary>The learning rate for a new batch size below B_crit: linear for SGD, square root for adaptive optimizers.</summary>
    public static double ScaledRate(double rate, double fromBatch, double toBatch, OptimizerForm form) =>
        form == OptimizerForm.Adaptive ? rate * Math.Sqrt(toBatch / fromBatch) : rate * toBatch / fromBatch;
}
