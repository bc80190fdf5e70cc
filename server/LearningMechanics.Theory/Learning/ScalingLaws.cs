namespace LearningMechanics.Theory.Learning;

/// <summary>
/// Scaling-law references (THEORY.md §11–§12): transformer language models on their papers' data and tokenizers only.
/// Labelled references for orientation, not predictions for other models.
/// </summary>
public static class ScalingLaws
{
    /// <summary>Chinchilla-form law L(N, D) = E + A/N^alpha + B/D^beta.</summary>
    public sealed record Chinchilla(string Label, double E, double A, double B, double Alpha, double Beta)
    {
        public double Loss(double parameters, double tokens) => E + A / Math.Pow(parameters, Alpha) + B / Math.Pow(tokens, Beta);

        /// <summary>Compute-optimal (N*, D*) at C = 6ND: G = (alpha A/(beta B))^{1/(alpha+beta)}, N* = G (C/6)^{beta/(alpha+beta)}.</summary>
        public (double Parameters, double Tokens) ComputeOptimal(double flops)
        {
            var g = Math.Pow(Alpha * A / (Beta * B), 1 / (Alpha + Beta));
            var parameters = g * Math.Pow(flops / 6, Beta / (Alpha + Beta));
            return (parameters, flops / 6 / parameters);
        }
    }

    /// <summary>Hoffmann et al. 2022, Approach 3 [V secondary].</summary>
    public static Chinchilla Hoffmann { get; } = new("Hoffmann et al. 2022 (Approach 3)", 1.69, 406.4, 410.7, 0.34, 0.28);

    /// <summary>Besiroglu et al. 2024 refit (Epoch AI) [V secondary].</summary>
    public static Chinchilla Epoch { get; } = new("Besiroglu et al. 2024 (Epoch AI refit)", 1.8172, 482.01, 2085.43, 0.3478, 0.3658);

    /// <summary>Kaplan et al. 2020 constants [V secondary].</summary>
    public const double KaplanNc = 8.8e13, KaplanAlphaN = 0.076, KaplanDc = 5.4e13, KaplanAlphaD = 0.095, KaplanBStar = 2e8, KaplanAlphaB = 0.21;

    /// <summary>Kaplan L(N) = (N_c/N)^alpha_N in nats (non-embedding parameters, data unlimited).</summary>
    public static double KaplanLossOfParameters(double parameters) => Math.Pow(KaplanNc / parameters, KaplanAlphaN);

    /// <summary>Kaplan L(D) = (D_c/D)^alpha_D in nats (model unlimited).</summary>
    public static double KaplanLossOfTokens(double tokens) => Math.Pow(KaplanDc / tokens, KaplanAlphaD);

    /// <summary>Kaplan critical batch in tokens: B_crit(L) = B*/L^{1/alpha_B}.</summary>
    public static double KaplanCriticalBatch(double lossNats) => KaplanBStar / Math.Pow(lossNats, 1 / KaplanAlphaB);

    /// <summary>McCandlish et al. 2018 simple noise scale B_simple = tr(Sigma)/|G|^2 (THEORY.md §11).</summary>
    public static double SimpleNoiseScale(double traceSigma, double gradientNormSquared) => traceSigma / gradientNormSquared;
}
