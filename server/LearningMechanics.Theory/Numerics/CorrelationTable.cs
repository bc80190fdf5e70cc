using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LearningMechanics.Theory.Numerics;

/// <summary>
/// The correlation maps of a smooth activation at fixed lengths, tabulated once and then read in O(1) per pair:
/// F(c) = E[phi(u) phi(v)] and D(c) = E[phi'(u) phi'(v)] for (u, v) ~ N(0, [[q1, c sqrt(q1 q2)], [., q2]]).
/// </summary>
/// <remarks>
/// The kernel of an i.i.d. layer at fixed lengths depends only on c (THEORY.md §3 c-map, §6.1 NTK recursion), so one
/// table serves every pair of probes with these lengths. Construction (Mehler's formula, <see cref="HermiteBasis"/>):
///   F(c) = sum_k a_k(s1) a_k(s2) c^k,   a_k(s) = E[phi(s z) h_k(z)],   s = sqrt(q);   D likewise with phi'.
/// Truncation at K terms with the rigorous bound |tail(c)| &lt;= sqrt(T(s1) T(s2)) on [-1, 1], where
/// T(s) = E[phi(s z)^2] - sum_{k&lt;K} a_k(s)^2 (Parseval); K is the smallest count meeting the tolerance.
/// The series is then sampled with its derivative on a uniform grid in c and read by cubic Hermite interpolation,
/// whose error is at most h^4/384 max|F''''| with max|F''''| &lt;= sum k(k-1)(k-2)(k-3)|a_k a'_k|; the grid spacing h is
/// chosen from that bound. Both errors are kept below <c>tolerance</c> times E[phi^2] (resp. E[phi'^2]).
/// Fails (returns null) when the series converges too slowly: phi with kinks in phi or phi' (the coefficients decay
/// only algebraically) or very long lengths (phi(sqrt(q) z) close to a step); callers then use direct 2-D quadrature.
/// Evidence: [D] (Mehler's formula is exact), checked against the 64 x 64 Gauss–Hermite grid in the tests [C].
/// </remarks>
public sealed class CorrelationTable
{
    /// <summary>Default error budget relative to E[phi^2] and E[phi'^2].</summary>
    public const double DefaultTolerance = 1e-9;

    private const int MinIntervals = 64;
    private const int MaxIntervals = 1 << 14;

    // Per interval m: F cubic coefficients a0..a3, then D's b0..b3, in local t = (c - c_m)/h.
    private readonly double[] _coefficients;
    private readonly double _inverseSpacing;
    private readonly int _intervals;

    // True: the grid is uniform in theta = arccos c on [0, pi] (kinked phi), not in c.
    private readonly bool _angular;

    private CorrelationTable(double[] coefficients, int intervals, int terms, double errorBound, bool angular = false)
    {
        _coefficients = coefficients;
        _intervals = intervals;
        _angular = angular;
        _inverseSpacing = angular ? intervals / Math.PI : intervals / 2.0;
        Terms = terms;
        ErrorBound = errorBound;
    }

    /// <summary>Number of Hermite terms kept.</summary>
    public int Terms { get; }

    /// <summary>Number of grid intervals on [-1, 1].</summary>
    public int Intervals => _intervals;

    /// <summary>Bound on |table - exact| for F and D together, relative to E[phi^2] and E[phi'^2].</summary>
    public double ErrorBound { get; }

    /// <summary>The table for phi at lengths q1, q2 &gt; 0, or null when the series does not reach <paramref name="tolerance"/>.</summary>
    public static CorrelationTable? TryBuild(Func<double, double> phi, Func<double, double> phiPrime, double q1, double q2, double tolerance = DefaultTolerance)
    {
        if (!(q1 > 0 && q2 > 0 && double.IsFinite(q1) && double.IsFinite(q2)))
            return null;
        var basis = HermiteBasis.Instance;
        var maxTerms = HermiteBasis.MaxTerms;
        var symmetric = q1 == q2;
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var phi1 = Sample(basis, phi, s1);
        var slope1 = Sample(basis, phiPrime, s1);
        var phi2 = symmetric ? phi1 : Sample(basis, phi, s2);
        var slope2 = symmetric ? slope1 : Sample(basis, phiPrime, s2);
        var (norm1, slopeNorm1) = (basis.Expect2(phi1), basis.Expect2(slope1));
        var (norm2, slopeNorm2) = symmetric ? (norm1, slopeNorm1) : (basis.Expect2(phi2), basis.Expect2(slope2));
        var scaleF = Math.Max(Math.Sqrt(norm1 * norm2), 1e-300);
        var scaleD = Math.Max(Math.Sqrt(slopeNorm1 * slopeNorm2), 1e-300);
        var (a1, b1) = (new double[maxTerms], new double[maxTerms]);
        var (a2, b2) = symmetric ? (a1, b1) : (new double[maxTerms], new double[maxTerms]);

        // Smallest K whose Parseval tails meet the budget (half of it: the grid gets the other half). Projections are
        // computed a block at a time, so a fast-converging series costs only the terms it needs.
        var budget = tolerance / 2;
        int? terms = null;
        double tailA1 = norm1, tailA2 = norm2, tailB1 = slopeNorm1, tailB2 = slopeNorm2;
        const int Block = 16;
        for (var start = 0; start < maxTerms && terms is null; start += Block)
        {
            var end = Math.Min(start + Block, maxTerms);
            basis.Project(phi1, a1, start, end);
            basis.Project(slope1, b1, start, end);
            if (!symmetric)
            {
                basis.Project(phi2, a2, start, end);
                basis.Project(slope2, b2, start, end);
            }
            for (var k = start; k < end; k++)
            {
                tailA1 -= a1[k] * a1[k];
                tailB1 -= b1[k] * b1[k];
                if (symmetric)
                    (tailA2, tailB2) = (tailA1, tailB1);
                else
                {
                    tailA2 -= a2[k] * a2[k];
                    tailB2 -= b2[k] * b2[k];
                }
                var errorF = Math.Sqrt(Math.Max(tailA1, 0) * Math.Max(tailA2, 0)) / scaleF;
                var errorD = Math.Sqrt(Math.Max(tailB1, 0) * Math.Max(tailB2, 0)) / scaleD;
                if (errorF <= budget && errorD <= budget)
                {
                    terms = k + 1;
                    break;
                }
            }
        }
        if (terms is not { } count)
            return null;

        var gammaF = new double[count];
        var gammaD = new double[count];
        double fourthF = 0, fourthD = 0;
        for (var k = 0; k < count; k++)
        {
            gammaF[k] = a1[k] * a2[k];
            gammaD[k] = b1[k] * b2[k];
            var falling = (double)k * (k - 1) * (k - 2) * (k - 3);
            fourthF += falling * Math.Abs(gammaF[k]);
            fourthD += falling * Math.Abs(gammaD[k]);
        }
        // h^4/384 max|f''''| <= budget * scale for both maps.
        var spacingF = fourthF > 0 ? Math.Pow(384 * budget * scaleF / fourthF, 0.25) : 2.0;
        var spacingD = fourthD > 0 ? Math.Pow(384 * budget * scaleD / fourthD, 0.25) : 2.0;
        var intervals = (int)Math.Ceiling(2 / Math.Min(spacingF, spacingD));
        if (intervals > MaxIntervals)
            return null;
        intervals = Math.Max(intervals, MinIntervals);
        var h = 2.0 / intervals;
        var gridErrorF = Math.Pow(h, 4) / 384 * fourthF / scaleF;
        var gridErrorD = Math.Pow(h, 4) / 384 * fourthD / scaleD;

        var values = new double[(intervals + 1) * 4];
        var grid = new double[intervals + 1];
        for (var m = 0; m <= intervals; m++)
            grid[m] = m == intervals ? 1.0 : -1 + m * h;
        var (f, df, d, dd) = (new double[intervals + 1], new double[intervals + 1], new double[intervals + 1], new double[intervals + 1]);
        Horner(gammaF, grid, f, df);
        Horner(gammaD, grid, d, dd);
        for (var m = 0; m <= intervals; m++)
        {
            values[4 * m] = f[m];
            values[4 * m + 1] = df[m];
            values[4 * m + 2] = d[m];
            values[4 * m + 3] = dd[m];
        }
        var coefficients = new double[intervals * 8];
        for (var m = 0; m < intervals; m++)
        {
            Cubic(values[4 * m], values[4 * m + 1], values[4 * m + 4], values[4 * m + 5], h, coefficients.AsSpan(8 * m, 4));
            Cubic(values[4 * m + 2], values[4 * m + 3], values[4 * m + 6], values[4 * m + 7], h, coefficients.AsSpan(8 * m + 4, 4));
        }
        var truncation = Math.Max(
            Math.Sqrt(Math.Max(tailA1, 0) * Math.Max(tailA2, 0)) / scaleF,
            Math.Sqrt(Math.Max(tailB1, 0) * Math.Max(tailB2, 0)) / scaleD);
        return new CorrelationTable(coefficients, intervals, count, truncation + Math.Max(gridErrorF, gridErrorD));
    }

    /// <summary>F(c) and D(c); c is clamped to [-1, 1].</summary>
    public (double F, double D) At(double c)
    {
        Evaluate(c, out var f, out var d);
        return (f, d);
    }

    /// <summary>True for a table on a grid uniform in theta = arccos c (<see cref="FromAngularSamples"/>).</summary>
    public bool IsAngular => _angular;

    /// <summary>
    /// A table for phi with kinks in phi or phi', whose Hermite series converges too slowly for <see cref="TryBuild"/>:
    /// F and D sampled from <paramref name="exact"/> (an accurate 2-D quadrature) on a grid uniform in theta = arccos c,
    /// where they are smooth up to the ends (near c = 1 they behave like powers of sqrt(1 - c) ~ theta, the arc-cosine
    /// structure of THEORY.md §6.1), and read by cubic Hermite interpolation with fourth-order finite-difference slopes.
    /// <see cref="ErrorBound"/> is measured, not proven: the largest difference from <paramref name="exact"/> at the
    /// midpoints of every fourth interval, relative to F(1) and D(1) (THEORY.md §3 accuracy caveat for kinks).
    /// </summary>
    public static CorrelationTable FromAngularSamples(Func<double, (double F, double D)> exact, int intervals = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intervals, 8);
        var h = Math.PI / intervals;
        var (f, d) = (new double[intervals + 1], new double[intervals + 1]);
        for (var k = 0; k <= intervals; k++)
            (f[k], d[k]) = exact(Math.Cos(k * h));
        var (fSlope, dSlope) = (Slopes(f, h), Slopes(d, h));
        var coefficients = new double[8 * intervals];
        for (var m = 0; m < intervals; m++)
        {
            Cubic(f[m], fSlope[m], f[m + 1], fSlope[m + 1], h, coefficients.AsSpan(8 * m, 4));
            Cubic(d[m], dSlope[m], d[m + 1], dSlope[m + 1], h, coefficients.AsSpan(8 * m + 4, 4));
        }
        var table = new CorrelationTable(coefficients, intervals, 0, 0, angular: true);
        var (scaleF, scaleD) = (Math.Max(Math.Abs(f[0]), 1e-300), Math.Max(Math.Abs(d[0]), 1e-300));
        var error = 0.0;
        for (var m = 0; m < intervals; m += 4)
        {
            var c = Math.Cos((m + 0.5) * h);
            var (fe, de) = exact(c);
            table.Evaluate(c, out var ft, out var dt);
            error = Math.Max(error, Math.Max(Math.Abs(ft - fe) / scaleF, Math.Abs(dt - de) / scaleD));
        }
        return new CorrelationTable(coefficients, intervals, 0, error, angular: true);
    }

    /// <summary>dy/dtheta on a uniform grid: fourth-order central differences, one-sided near the ends.</summary>
    private static double[] Slopes(double[] y, double h)
    {
        var n = y.Length - 1;
        var slope = new double[n + 1];
        for (var k = 2; k <= n - 2; k++)
            slope[k] = (y[k - 2] - 8 * y[k - 1] + 8 * y[k + 1] - y[k + 2]) / (12 * h);
        slope[0] = (-25 * y[0] + 48 * y[1] - 36 * y[2] + 16 * y[3] - 3 * y[4]) / (12 * h);
        slope[1] = (-3 * y[0] - 10 * y[1] + 18 * y[2] - 6 * y[3] + y[4]) / (12 * h);
        slope[n] = -(-25 * y[n] + 48 * y[n - 1] - 36 * y[n - 2] + 16 * y[n - 3] - 3 * y[n - 4]) / (12 * h);
        slope[n - 1] = -(-3 * y[n] - 10 * y[n - 1] + 18 * y[n - 2] - 6 * y[n - 3] + y[n - 4]) / (12 * h);
        return slope;
    }

    /// <summary>F(c) and D(c) without a tuple; c is clamped to [-1, 1].</summary>
    public void Evaluate(double c, out double f, out double d)
    {
        var clamped = c < -1 ? -1 : c > 1 ? 1 : c;
        var x = _angular ? Math.Acos(clamped) * _inverseSpacing : (clamped + 1) * _inverseSpacing;
        var m = (int)x;
        if (m >= _intervals)
            m = _intervals - 1;
        var t = x - m;
        ref var coefficients = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_coefficients), 8 * m);
        f = ((Unsafe.Add(ref coefficients, 3) * t + Unsafe.Add(ref coefficients, 2)) * t + Unsafe.Add(ref coefficients, 1)) * t + coefficients;
        d = ((Unsafe.Add(ref coefficients, 7) * t + Unsafe.Add(ref coefficients, 6)) * t + Unsafe.Add(ref coefficients, 5)) * t + Unsafe.Add(ref coefficients, 4);
    }

    private static double[] Sample(HermiteBasis basis, Func<double, double> f, double scale)
    {
        var samples = new double[HermiteBasis.Order];
        for (var p = 0; p < samples.Length; p++)
            samples[p] = f(scale * basis.Nodes[p]);
        return samples;
    }

    /// <summary>Value and derivative of sum_k gamma_k c^k at every grid point, a SIMD vector of points at a time.</summary>
    private static void Horner(double[] gamma, double[] grid, double[] value, double[] slope)
    {
        var width = Vector<double>.Count;
        var m = 0;
        for (; m + width <= grid.Length; m += width)
        {
            var c = new Vector<double>(grid, m);
            var (v, s) = (Vector<double>.Zero, Vector<double>.Zero);
            for (var k = gamma.Length - 1; k >= 0; k--)
            {
                s = s * c + v;
                v = v * c + new Vector<double>(gamma[k]);
            }
            v.CopyTo(value, m);
            s.CopyTo(slope, m);
        }
        for (; m < grid.Length; m++)
        {
            double v = 0, s = 0;
            for (var k = gamma.Length - 1; k >= 0; k--)
            {
                s = s * grid[m] + v;
                v = v * grid[m] + gamma[k];
            }
            (value[m], slope[m]) = (v, s);
        }
    }

    /// <summary>Cubic Hermite on [0, 1] in t = (c - c0)/h from values and c-derivatives at both ends.</summary>
    private static void Cubic(double y0, double dy0, double y1, double dy1, double h, Span<double> target)
    {
        var (s0, s1) = (h * dy0, h * dy1);
        target[0] = y0;
        target[1] = s0;
        target[2] = 3 * (y1 - y0) - 2 * s0 - s1;
        target[3] = 2 * (y0 - y1) + s0 + s1;
    }
}
