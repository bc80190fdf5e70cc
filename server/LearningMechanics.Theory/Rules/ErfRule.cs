namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for phi(x) = erf(x).</summary>
/// <remarks>
/// (u, v) centred Gaussian with Var q1, q2, Cov k:                                                  THEORY.md §2, §6.1
///   E[erf(u) erf(v)]   = (2/pi) arcsin( 2k / sqrt((1+2q1)(1+2q2)) )
///   E[erf'(u) erf'(v)] = (4/pi) / sqrt( (1+2q1)(1+2q2) - 4k^2 )
///   d/dq E[erf(sqrt(q) z)^2] = (4/pi) / ((1+2q) sqrt(1+4q))                                         [D]
/// erf'(0)^2 = 4/pi, so with sigma_b = 0 the critical point is sigma_w^2 = pi/4 (THEORY.md §16 row 3).
/// Source: neural-tangents stax.Erf (Williams 1997). Evidence: [V] via neural-tangents code.
/// Regime: infinite width; Gaussian input.
/// </remarks>
public sealed record ErfRule : ActivationRule
{
    public static ErfRule Instance { get; } = new();

    public override string Name => "Erf";

    public override Evidence Evidence => Evidence.Verified;

    public override double ValueAtZero => 0;

    public override double SlopeAtZero => 2 / Math.Sqrt(Math.PI);

    public override ActivationMoments Moments(double q1, double q2, double k)
    {
        var normaliser = (1 + 2 * q1) * (1 + 2 * q2);
        var sigma = 2 / Math.PI * Math.Asin(Math.Clamp(2 * k / Math.Sqrt(normaliser), -1, 1));
        var sigmaDot = 4 / Math.PI / Math.Sqrt(Math.Max(normaliser - 4 * k * k, 1e-300));
        return new ActivationMoments(sigma, sigmaDot);
    }

    public override double? SlopeMoment(double q, int k) =>
        Numerics.GaussianExpectation.Smooth(z => Math.Pow(4 / Math.PI * Math.Exp(-2 * q * z * z), k));

    public override double? Mean(double q) => 0;

    public override double LengthMapSlope(double q) => 4 / Math.PI / ((1 + 2 * q) * Math.Sqrt(1 + 4 * q));
}
