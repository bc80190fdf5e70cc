namespace LearningMechanics.Theory.Learning;

/// <summary>Saxe et al. 2014 deep linear network modes under gradient flow, whitened inputs (THEORY.md §10).</summary>
/// <remarks>
/// Two layers, small balanced aligned init: a(tau) = s / (1 + (s/a_0 - 1) e^{-2 s tau}) solves da/dtau = 2a(s - a);
/// time from a_0 to a_f: tau = ln[a_f (s - a_0)/(a_0 (s - a_f))]/(2s); half-time (a_f = s/2) ≈ ln(s/a_0)/(2s).
/// Depth L: da/dtau = L a^{2-2/L}(s - a) (tutorial eq. 11). Source: learningmechanics.pub DLN tutorial [V]; [D].
/// </remarks>
public static class DeepLinear
{
    public static double ModeStrength(double s, double a0, double tau) => s / (1 + (s / a0 - 1) * Math.Exp(-2 * s * tau));

    public static double TimeToReach(double s, double a0, double aFinal) => Math.Log(aFinal * (s - a0) / (a0 * (s - aFinal))) / (2 * s);

    public static double HalfTime(double s, double a0) => TimeToReach(s, a0, s / 2);

    /// <summary>d a/d tau for depth L (balanced, aligned).</summary>
    public static double Rate(double s, double a, int depth) => depth * Math.Pow(a, 2 - 2.0 / depth) * (s - a);
}
