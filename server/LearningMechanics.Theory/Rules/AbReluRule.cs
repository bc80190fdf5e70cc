namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for phi(x) = a*min(x,0) + b*max(x,0): ReLU (0,1), LeakyReLU (alpha,1), Identity (1,1), Abs (-1,1).</summary>
/// <remarks>
/// Pre-activations u, v centred Gaussian: Var q1, q2, Cov k; theta = arccos(k / sqrt(q1 q2)).     THEORY.md §6.1
///   E[phi(u)phi(v)]   = (a-b)^2/(2pi) * sqrt(q1 q2 - k^2) + [(a^2+b^2)/2 - (a-b)^2 theta/(2pi)] * k
///   E[phi'(u)phi'(v)] = (a^2+b^2)/2 - (a-b)^2 theta/(2pi)
///   hence E[phi(u)^2] = (a^2+b^2)/2 q and chi_1 = sigma_w^2 (a^2+b^2)/2 at every q;
///   ReLU is critical at sigma_w^2 = 2 (He init), PyTorch's default sigma_w^2 = 1/3 gives 1/6.      THEORY.md §2, §3
/// Source: arc-cosine kernel, Cho and Saul 2009; leaky case as in neural-tangents stax.ABRelu
/// (Tsuchida et al. 2018, arXiv:1711.09090). Evidence: [V] via neural-tangents code, [D] for chi_1.
/// Closed forms only: Gauss–Hermite is biased for the step phi' (THEORY.md §3).
/// Regime: infinite width; Gaussian input.
/// </remarks>
public sealed record AbReluRule(double A, double B) : ActivationRule
{
    public static AbReluRule Relu { get; } = new(0, 1);

    public static AbReluRule Identity { get; } = new(1, 1);

    public static AbReluRule Abs { get; } = new(-1, 1);

    public static AbReluRule LeakyRelu(double negativeSlope) => new(negativeSlope, 1);

    public override string Name => (A, B) switch
    {
        (0, 1) => "ReLU",
        (1, 1) => "Identity",
        (-1, 1) => "Abs",
        (_, 1) => $"LeakyReLU({A:G4})",
        _ => $"ABReLU({A:G4}, {B:G4})",
    };

    public override Evidence Evidence => Evidence.Derived;

    public override bool IsPositivelyHomogeneous => true;

    public override double ValueAtZero => 0;

    public override double SlopeAtZero => B;

    /// <summary>g = (a^2 + b^2)/2: E[phi(u)^2] = g q and E[phi'(u)^2] = g.</summary>
    public double MeanSlope2 => (A * A + B * B) / 2;

    public override ActivationMoments Moments(double q1, double q2, double k)
    {
        var kinkWeight = (A - B) * (A - B) / (2 * Math.PI);
        // Rounding can make q1*q2 - k^2 slightly negative when u and v coincide.
        var sinePart = Math.Sqrt(Math.Max(q1 * q2 - k * k, 0));
        var theta = Math.Atan2(sinePart, k);
        var dotSigma = MeanSlope2 - kinkWeight * theta;
        return new ActivationMoments(kinkWeight * sinePart + dotSigma * k, dotSigma);
    }

    public override double SecondMoment(double q) => MeanSlope2 * q;

    public override double SlopeSecondMoment(double q) => MeanSlope2;

    public override double LengthMapSlope(double q) => MeanSlope2;

    /// <summary>mu_k = (|a|^{2k} + |b|^{2k})/2 at every q (phi' is a on the negative half-line, b on the positive).</summary>
    public override double? SlopeMoment(double q, int k) => (Math.Pow(Math.Abs(A), 2 * k) + Math.Pow(Math.Abs(B), 2 * k)) / 2;

    /// <summary>E[phi(u)] = (b - a) sqrt(q/(2 pi)) [D].</summary>
    public override double? Mean(double q) => (B - A) * Math.Sqrt(Math.Max(q, 0) / (2 * Math.PI));
}
