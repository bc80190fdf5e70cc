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

    /// <summary>
    /// Time for a mode of strength <paramref name="a0"/> to reach s/2 at depth L (balanced, aligned):
    /// tau = ∫ da / (L a^{2-2/L} (s - a)), integrated in x = ln a by composite Simpson (4096 intervals). Equals
    /// <see cref="HalfTime"/> at L = 2.
    /// </summary>
    public static double HalfTimeAtDepth(double s, double a0, int depth)
    {
        if (depth == 2)
            return HalfTime(s, a0);
        const int intervals = 4096;
        var (lo, hi) = (Math.Log(a0), Math.Log(s / 2));
        if (hi <= lo)
            return 0;
        var h = (hi - lo) / intervals;
        double Integrand(double x)
        {
            var a = Math.Exp(x);
            return Math.Pow(a, 2.0 / depth - 1) / (depth * (s - a));
        }
        var sum = Integrand(lo) + Integrand(hi);
        for (var i = 1; i < intervals; i++)
            sum += (i % 2 == 1 ? 4 : 2) * Integrand(lo + i * h);
        return sum * h / 3;
    }

    /// <summary>
    /// Root-mean-square projected initial strength u^T W_L...W_1 v of i.i.d. N(0, std^2) weights with hidden width h:
    /// std^L h^{(L-1)/2} (a sum over h^{L-1} paths of products of L independent entries) [D].
    /// </summary>
    public static double RandomInitStrength(double initStd, int hidden, int depth) => Math.Pow(initStd, depth) * Math.Pow(hidden, (depth - 1) / 2.0);

    /// <summary>d a/d tau for depth L (balanced, aligned).</summary>
    public static double Rate(double s, double a, int depth) => depth * Math.Pow(a, 2 - 2.0 / depth) * (s - a);
}
