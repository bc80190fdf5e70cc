using MathNet.Numerics.Integration;

namespace LearningMechanics.Theory.Numerics;

/// <summary>
/// Expectations over one or two centred Gaussians. Smooth integrands use Gauss–Hermite; integrands with kinks use
/// Gauss–Legendre on [-Cut, Cut] split at the kinks, the "split quadrature" of THEORY.md §3/§15.
/// </summary>
public static class GaussianExpectation
{
    /// <summary>Points of the 1-D Gauss–Hermite rule for smooth integrands.</summary>
    public const int HermiteOrder1D = 160;

    /// <summary>Points per axis of the 2-D tensor Gauss–Hermite grid (64² = 4096 evaluations per entry, THEORY.md §15).</summary>
    public const int HermiteOrder2D = 64;

    /// <summary>Gauss–Legendre points per piece of a split integral.</summary>
    public const int LegendreOrder = 48;

    /// <summary>Truncation of the real line for split integrals: the N(0,1) density at 10 is 7.7e-23.</summary>
    public const double Cut = 10.0;

    private static readonly GaussLegendreRule s_legendre = new(-1, 1, LegendreOrder);

    /// <summary>E_{z~N(0,1)}[f(z)] for smooth f.</summary>
    public static double Smooth(Func<double, double> f) => GaussHermite.Of(HermiteOrder1D).Expect(f);

    /// <summary>E_{z~N(0,1)}[f(z)] for f smooth between the given breakpoints (in z units).</summary>
    public static double Split(Func<double, double> f, IEnumerable<double> zBreaks)
    {
        var edges = Edges(zBreaks);
        var sum = 0.0;
        for (var piece = 0; piece + 1 < edges.Count; piece++)
            sum += Legendre(edges[piece], edges[piece + 1], z => Density(z) * f(z));
        return sum;
    }

    /// <summary>
    /// E[g(u1, u2)] with u1 = sqrt(q1) z1, u2 = sqrt(q2)(c z1 + sqrt(1-c²) z2), z1, z2 i.i.d. N(0,1), on the tensor
    /// Gauss–Hermite grid (THEORY.md §15). For smooth g.
    /// </summary>
    public static double Smooth2D(Func<double, double, double> g, double q1, double q2, double c)
    {
        var rule = GaussHermite.Of(HermiteOrder2D);
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var sine = Math.Sqrt(Math.Max(0, 1 - c * c));
        var sum = 0.0;
        for (var i = 0; i < rule.Count; i++)
        {
            var z1 = rule.Nodes[i];
            var u1 = s1 * z1;
            var inner = 0.0;
            for (var j = 0; j < rule.Count; j++)
                inner += rule.Weights[j] * g(u1, s2 * (c * z1 + sine * rule.Nodes[j]));
            sum += rule.Weights[i] * inner;
        }
        return sum;
    }

    /// <summary>
    /// The same expectation as <see cref="Smooth2D"/> for g with kinks at u1 = k or u2 = k (k in <paramref name="uKinks"/>):
    /// an iterated Gauss–Legendre integral split at the kink lines.
    /// </summary>
    public static double Split2D(Func<double, double, double> g, double q1, double q2, double c, IReadOnlyList<double> uKinks)
    {
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var sine = Math.Sqrt(Math.Max(0, 1 - c * c));
        if (sine < 1e-9)
            return Split(z => g(s1 * z, s2 * c * z), uKinks.Select(k => k / s1).Concat(uKinks.Select(k => k / (s2 * Math.Abs(c)))));
        return Split(
            z1 =>
            {
                var u1 = s1 * z1;
                var z2Breaks = uKinks.Select(k => (k / s2 - c * z1) / sine);
                return Split(z2 => g(u1, s2 * (c * z1 + sine * z2)), z2Breaks);
            },
            uKinks.Select(k => k / s1));
    }

    private static double Density(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

    private static List<double> Edges(IEnumerable<double> breaks)
    {
        var edges = new List<double> { -Cut, Cut };
        edges.AddRange(breaks.Where(b => double.IsFinite(b) && -Cut < b && b < Cut));
        edges.Sort();
        return edges;
    }

    private static double Legendre(double lo, double hi, Func<double, double> f)
    {
        if (hi - lo <= 0)
            return 0;
        var (mid, half) = ((lo + hi) / 2, (hi - lo) / 2);
        var sum = 0.0;
        for (var i = 0; i < s_legendre.Abscissas.Length; i++)
            sum += s_legendre.Weights[i] * f(mid + half * s_legendre.Abscissas[i]);
        return sum * half;
    }
}
