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

    // Read once: MathNet's rule returns a fresh copy of its arrays on every property read.
    private static readonly double[] s_abscissas = s_legendre.Abscissas, s_weights = s_legendre.Weights;

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

    /// <summary>Two expectations E[f1(z)], E[f2(z)] at once, f = (f1, f2) smooth between the breakpoints (in z units).</summary>
    public static (double First, double Second) SplitPair(Func<double, (double, double)> f, IEnumerable<double> zBreaks)
    {
        var edges = Edges(zBreaks);
        double first = 0, second = 0;
        for (var piece = 0; piece + 1 < edges.Count; piece++)
        {
            var (mid, half) = ((edges[piece] + edges[piece + 1]) / 2, (edges[piece + 1] - edges[piece]) / 2);
            for (var i = 0; i < LegendreOrder; i++)
            {
                var z = mid + half * s_abscissas[i];
                var weight = s_weights[i] * half * Density(z);
                var (a, b) = f(z);
                first += weight * a;
                second += weight * b;
            }
        }
        return (first, second);
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
        ReadOnlySpan<double> nodes = rule.NodeSpan, weights = rule.WeightSpan;
        for (var i = 0; i < nodes.Length; i++)
        {
            var z1 = nodes[i];
            var u1 = s1 * z1;
            var inner = 0.0;
            for (var j = 0; j < nodes.Length; j++)
                inner += weights[j] * g(u1, s2 * (c * z1 + sine * nodes[j]));
            sum += weights[i] * inner;
        }
        return sum;
    }

    /// <summary>
    /// E[f(u1) f(u2)] and E[h(u1) h(u2)] together on the tensor grid of <see cref="Smooth2D"/>, each function evaluated
    /// once per node (Sigma and SigmaDot of a smooth activation: a quarter of the evaluations of two Smooth2D calls).
    /// </summary>
    public static (double F, double H) Smooth2DProducts(Func<double, double> f, Func<double, double> h, double q1, double q2, double c)
    {
        var rule = GaussHermite.Of(HermiteOrder2D);
        ReadOnlySpan<double> nodes = rule.NodeSpan, weights = rule.WeightSpan;
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var sine = Math.Sqrt(Math.Max(0, 1 - c * c));
        double sumF = 0, sumH = 0;
        for (var i = 0; i < nodes.Length; i++)
        {
            var z1 = nodes[i];
            double innerF = 0, innerH = 0;
            for (var j = 0; j < nodes.Length; j++)
            {
                var u2 = s2 * (c * z1 + sine * nodes[j]);
                innerF += weights[j] * f(u2);
                innerH += weights[j] * h(u2);
            }
            var u1 = s1 * z1;
            sumF += weights[i] * f(u1) * innerF;
            sumH += weights[i] * h(u1) * innerH;
        }
        return (sumF, sumH);
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
        var outer = Edges(uKinks.Select(k => k / s1));
        Span<double> inner = stackalloc double[uKinks.Count + 2];
        var sum = 0.0;
        for (var piece = 0; piece + 1 < outer.Count; piece++)
        {
            var (mid, half) = ((outer[piece] + outer[piece + 1]) / 2, (outer[piece + 1] - outer[piece]) / 2);
            for (var i = 0; i < LegendreOrder; i++)
            {
                var z1 = mid + half * s_abscissas[i];
                var u1 = s1 * z1;
                var edges = InnerEdges(inner, uKinks, s2, c, sine, z1);
                var value = 0.0;
                for (var part = 0; part + 1 < edges.Length; part++)
                {
                    var (innerMid, innerHalf) = ((edges[part] + edges[part + 1]) / 2, (edges[part + 1] - edges[part]) / 2);
                    var partSum = 0.0;
                    for (var j = 0; j < LegendreOrder; j++)
                    {
                        var z2 = innerMid + innerHalf * s_abscissas[j];
                        partSum += s_weights[j] * Density(z2) * g(u1, s2 * (c * z1 + sine * z2));
                    }
                    value += partSum * innerHalf;
                }
                sum += s_weights[i] * half * Density(z1) * value;
            }
        }
        return sum;
    }

    /// <summary>
    /// E[f(u1) f(u2)] and E[h(u1) h(u2)] together (u1, u2 as in <see cref="Split2D"/>) for f, h smooth away from
    /// <paramref name="uKinks"/>: one pass over the split Gauss–Legendre grid, each function evaluated once per node,
    /// which is what an activation's Sigma and SigmaDot need (phi and phi').
    /// </summary>
    public static (double F, double H) Split2DProducts(Func<double, double> f, Func<double, double> h, double q1, double q2, double c, IReadOnlyList<double> uKinks)
    {
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var sine = Math.Sqrt(Math.Max(0, 1 - c * c));
        if (sine < 1e-9)
            return (Split2D((u, v) => f(u) * f(v), q1, q2, c, uKinks), Split2D((u, v) => h(u) * h(v), q1, q2, c, uKinks));
        var outer = Edges(uKinks.Select(k => k / s1));
        Span<double> inner = stackalloc double[uKinks.Count + 2];
        double sumF = 0, sumH = 0;
        for (var piece = 0; piece + 1 < outer.Count; piece++)
        {
            var (mid, half) = ((outer[piece] + outer[piece + 1]) / 2, (outer[piece + 1] - outer[piece]) / 2);
            for (var i = 0; i < LegendreOrder; i++)
            {
                var z1 = mid + half * s_abscissas[i];
                var u1 = s1 * z1;
                var edges = InnerEdges(inner, uKinks, s2, c, sine, z1);
                double valueF = 0, valueH = 0;
                for (var part = 0; part + 1 < edges.Length; part++)
                {
                    var (innerMid, innerHalf) = ((edges[part] + edges[part + 1]) / 2, (edges[part + 1] - edges[part]) / 2);
                    double partF = 0, partH = 0;
                    for (var j = 0; j < LegendreOrder; j++)
                    {
                        var z2 = innerMid + innerHalf * s_abscissas[j];
                        var weight = s_weights[j] * Density(z2);
                        var u2 = s2 * (c * z1 + sine * z2);
                        partF += weight * f(u2);
                        partH += weight * h(u2);
                    }
                    valueF += partF * innerHalf;
                    valueH += partH * innerHalf;
                }
                var outerWeight = s_weights[i] * half * Density(z1);
                sumF += outerWeight * f(u1) * valueF;
                sumH += outerWeight * h(u1) * valueH;
            }
        }
        return (sumF, sumH);
    }

    /// <summary>The z2 pieces [-Cut, Cut] split where u2 = s2 (c z1 + sine z2) crosses a kink, sorted, into <paramref name="buffer"/>.</summary>
    private static Span<double> InnerEdges(Span<double> buffer, IReadOnlyList<double> uKinks, double s2, double c, double sine, double z1)
    {
        buffer[0] = -Cut;
        var count = 1;
        for (var k = 0; k < uKinks.Count; k++)
        {
            var edge = (uKinks[k] / s2 - c * z1) / sine;
            if (double.IsFinite(edge) && -Cut < edge && edge < Cut)
                buffer[count++] = edge;
        }
        buffer[count++] = Cut;
        var edges = buffer[..count];
        edges.Sort();
        return edges;
    }

    private static double Density(double z) => Math.Exp(-0.5 * z * z) * InverseSqrtTwoPi;

    private const double InverseSqrtTwoPi = 0.3989422804014327;

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
        for (var i = 0; i < LegendreOrder; i++)
            sum += s_weights[i] * f(mid + half * s_abscissas[i]);
        return sum * half;
    }
}
