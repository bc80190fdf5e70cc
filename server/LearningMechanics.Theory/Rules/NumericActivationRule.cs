using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for an activation without closed forms, by Gaussian quadrature (neural-tangents' ElementwiseNumerical).</summary>
/// <remarks>
/// E[phi(u) phi(v)] with u = sqrt(q1) z1, v = sqrt(q2)(c z1 + sqrt(1-c^2) z2), c = k/sqrt(q1 q2).      THEORY.md §3, §15
/// Smooth phi (tanh, GELU, SiLU, sigmoid, softplus, Mish): probabilists' Gauss–Hermite, nodes by Golub–Welsch,
/// 160 points in 1-D and a 64 x 64 tensor grid in 2-D.
/// Kinked phi or phi' (ELU, SELU, ReLU6, Hardtanh): Gauss–Legendre split at the kinks <see cref="Kinks"/> (in u units),
/// because Gauss–Hermite is biased for a discontinuous phi' (THEORY.md §3: 0.456 instead of 0.5 for E[1(z&gt;0)]).
/// The length-map slope uses Stein's lemma, d/dq E[phi(sqrt q z)^2] = E[z phi(u) phi'(u)] / sqrt(q), so phi'' is not needed.
/// Evidence: [C]. Regime: infinite width; Gaussian input.
/// </remarks>
public sealed record NumericActivationRule(
    string FunctionName,
    Func<double, double> Phi,
    Func<double, double> PhiPrime,
    ImmutableArray<double> Kinks) : ActivationRule
{
    public override string Name => FunctionName;

    public override Evidence Evidence => Evidence.Computed;

    public override double ValueAtZero => Phi(0);

    public override double SlopeAtZero => PhiPrime(0);

    public bool IsSmooth => Kinks.IsDefaultOrEmpty;

    /// <summary>
    /// (E[phi(m + s z)], E[phi'(m + s z)]) in closed form when the activation has one (the ELU family): the bivariate
    /// moments then need a 1-D quadrature only. Null: iterated 2-D quadrature.
    /// </summary>
    internal EluConditional? Conditional { get; init; }

    public override ActivationMoments Moments(double q1, double q2, double k)
    {
        if (q1 <= 0 || q2 <= 0)
            return new ActivationMoments(Phi(0) * Phi(0), PhiPrime(0) * PhiPrime(0));
        var c = Math.Clamp(k / Math.Sqrt(q1 * q2), -1, 1);
        var (sigma, sigmaDot) = IsSmooth
            ? GaussianExpectation.Smooth2DProducts(Phi, PhiPrime, q1, q2, c)
            : ConditionalAt(c) is { } conditional
                ? ConditionalMoments(conditional, q1, q2, c)
                : GaussianExpectation.Split2DProducts(Phi, PhiPrime, q1, q2, c, Kinks);
        return new ActivationMoments(sigma, sigmaDot);
    }

    /// <summary>The closed-form conditional, unless |c| = 1 leaves u2 no spread given u1 (then the split 2-D rule handles the line).</summary>
    private EluConditional? ConditionalAt(double c) => Conditional is { } conditional && 1 - c * c > 1e-12 ? conditional : null;

    /// <summary>
    /// E[phi(u1) phi(u2)] and E[phi'(u1) phi'(u2)] as E_{z1}[phi(u1) E[phi(u2) | z1]]: given z1, u2 ~ N(s2 c z1, s2^2 (1 - c^2)),
    /// whose expectations <paramref name="conditional"/> knows in closed form; the outer integral is split at the kinks.
    /// </summary>
    private (double Sigma, double SigmaDot) ConditionalMoments(EluConditional conditional, double q1, double q2, double c)
    {
        var (s1, s2) = (Math.Sqrt(q1), Math.Sqrt(q2));
        var spread = s2 * Math.Sqrt(1 - c * c);
        return GaussianExpectation.SplitPair(
            z1 =>
            {
                var u1 = s1 * z1;
                var (value, slope) = conditional.Expect(s2 * c * z1, spread);
                return (Phi(u1) * value, PhiPrime(u1) * slope);
            },
            Kinks.Select(kink => kink / s1));
    }

    public override double Covariance(double q1, double q2, double k)
    {
        if (q1 <= 0 || q2 <= 0)
            return Phi(0) * Phi(0);
        var c = Math.Clamp(k / Math.Sqrt(q1 * q2), -1, 1);
        return IsSmooth
            ? GaussianExpectation.Smooth2D((u, v) => Phi(u) * Phi(v), q1, q2, c)
            : ConditionalAt(c) is { } conditional
                ? ConditionalMoments(conditional, q1, q2, c).Sigma
                : GaussianExpectation.Split2D((u, v) => Phi(u) * Phi(v), q1, q2, c, Kinks);
    }

    /// <summary>
    /// Tables, one per (q1, q2), memoised (a pure function of the rule and the lengths): Mehler series for smooth phi,
    /// an arccos-uniform grid of split quadratures for kinked phi (<see cref="CorrelationTable.FromAngularSamples"/>).
    /// </summary>
    public override CorrelationTable? TableFor(double q1, double q2, CancellationToken cancellationToken = default)
    {
        if (!(q1 > 0 && q2 > 0 && double.IsFinite(q1) && double.IsFinite(q2)))
            return null;
        var cache = s_tables.GetValue(this, _ => new ConcurrentDictionary<(double, double), CorrelationTable?>());
        if (cache.Count > MaxCachedTables)
            cache.Clear();
        var key = q1 <= q2 ? (q1, q2) : (q2, q1);
        // A smooth phi at large q (GELU or SiLU past q ≈ 10 is ReLU-like on the scale of the Gaussian) has a Hermite series that
        // converges too slowly for a Mehler table; it then gets an angular table like a kinked phi, with a tighter bound, instead
        // of a direct 2-D quadrature per pair (25 s for a 50-layer GELU net at sigma_w^2 = 2.23 on 64 probes).
        return cache.GetOrAdd(key, k => IsSmooth
            ? CorrelationTable.TryBuild(Phi, PhiPrime, k.Item1, k.Item2) ?? AngularTable(k.Item1, k.Item2, SmoothAngularTolerance, cancellationToken)
            : AngularTable(k.Item1, k.Item2, KinkedTableTolerance, cancellationToken));
    }

    /// <summary>Smooth phi only: a Mehler table agrees with direct quadrature to 1e-9 (an angular one, at large q where the Mehler
    /// series fails, to <see cref="SmoothAngularTolerance"/>); kinked tables (up to 1e-3) do not stand in for it.</summary>
    public override bool TablesStandInForQuadrature => IsSmooth;

    /// <summary>
    /// Largest measured table error (relative to F(1), D(1)) accepted for kinked phi; above it pairs use direct quadrature.
    /// Measured at 256 intervals: ELU and SELU 3e-6 to 3e-5; Hardtanh and ReLU6 5e-4 to 6e-3, where the split quadrature's
    /// own error near the kinks is of the same order (THEORY.md §3 accuracy caveat for kinks).
    /// </summary>
    public const double KinkedTableTolerance = 1e-3;

    /// <summary>
    /// Largest measured angular-table error accepted for smooth phi when the Mehler table fails: GELU 3e-9 at q = 20,
    /// 4e-6 at q = 100, 1.2e-5 at q = 300, 1.5e-3 at q = 3000 (refused there: pairs use direct quadrature).
    /// </summary>
    public const double SmoothAngularTolerance = 1e-4;

    /// <summary>A cancelled build throws out of the memoising GetOrAdd, so nothing partial is stored.</summary>
    private CorrelationTable? AngularTable(double q1, double q2, double tolerance, CancellationToken cancellationToken)
    {
        var root = Math.Sqrt(q1 * q2);
        var table = CorrelationTable.FromAngularSamples(c =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moments = Moments(q1, q2, c * root);
            return (moments.Sigma, moments.SigmaDot);
        });
        return table.ErrorBound <= tolerance ? table : null;
    }

    /// <summary>Forgets the memoised tables (benchmarks use it to time a cold start).</summary>
    public static void ClearTables() => s_tables.Clear();

    private const int MaxCachedTables = 512;

    private static readonly ConditionalWeakTable<NumericActivationRule, ConcurrentDictionary<(double, double), CorrelationTable?>> s_tables = new();

    public override double SecondMoment(double q) => Diagonal(q).SecondMoment;

    public override double SlopeSecondMoment(double q) => Diagonal(q).SlopeSecondMoment;

    public override double? SlopeMoment(double q, int k) => Expect1D(u => Math.Pow(PhiPrime(u) * PhiPrime(u), k), q);

    public override double? Mean(double q) => Diagonal(q).Mean;

    /// <summary>E[phi^2], E[phi'^2] and E[phi] at length q.</summary>
    private readonly record struct DiagonalMoments(double SecondMoment, double SlopeSecondMoment, double Mean);

    /// <summary>
    /// The one-dimensional moments at length q, memoised per rule: every kernel propagation of the same net (the editor's
    /// single-probe and pair views, the NTK sample) meets the same lengths, and a memoised value is the value itself.
    /// </summary>
    private DiagonalMoments Diagonal(double q)
    {
        var cache = s_diagonals.GetValue(this, _ => new ConcurrentDictionary<double, DiagonalMoments>());
        if (cache.TryGetValue(q, out var moments))
            return moments;
        if (cache.Count > MaxCachedDiagonals)
            cache.Clear();
        moments = ComputeDiagonal(q);
        cache[q] = moments;
        return moments;
    }

    private DiagonalMoments ComputeDiagonal(double q)
    {
        if (!IsSmooth || q <= 0)
            return new DiagonalMoments(Expect1D(u => Phi(u) * Phi(u), q), Expect1D(u => PhiPrime(u) * PhiPrime(u), q), Expect1D(Phi, q));
        // One pass over the Gauss–Hermite nodes, phi and phi' evaluated once per node.
        var rule = GaussHermite.Of(GaussianExpectation.HermiteOrder1D);
        ReadOnlySpan<double> nodes = rule.NodeSpan, weights = rule.WeightSpan;
        var scale = Math.Sqrt(q);
        double second = 0, slope = 0, mean = 0;
        for (var i = 0; i < nodes.Length; i++)
        {
            var u = scale * nodes[i];
            var (value, derivative, weight) = (Phi(u), PhiPrime(u), weights[i]);
            second += weight * (value * value);
            slope += weight * (derivative * derivative);
            mean += weight * value;
        }
        return new DiagonalMoments(second, slope, mean);
    }

    private const int MaxCachedDiagonals = 4096;

    private static readonly ConditionalWeakTable<NumericActivationRule, ConcurrentDictionary<double, DiagonalMoments>> s_diagonals = new();

    public override double LengthMapSlope(double q)
    {
        // Below this length the Stein form divides by ~0; use the q -> 0 limit phi'(0)^2 + phi(0) phi''(0) by differencing.
        const double SmallQ = 1e-10;
        if (q < SmallQ)
            return (SecondMoment(2 * SmallQ) - SecondMoment(SmallQ)) / SmallQ;
        var scale = Math.Sqrt(q);
        var steinSum = IsSmooth
            ? GaussianExpectation.Smooth(z => z * Phi(scale * z) * PhiPrime(scale * z))
            : GaussianExpectation.Split(z => z * Phi(scale * z) * PhiPrime(scale * z), Kinks.Select(kink => kink / scale));
        return steinSum / scale;
    }

    private double Expect1D(Func<double, double> g, double q)
    {
        if (q <= 0)
            return g(0);
        var scale = Math.Sqrt(q);
        return IsSmooth
            ? GaussianExpectation.Smooth(z => g(scale * z))
            : GaussianExpectation.Split(z => g(scale * z), Kinks.Select(kink => kink / scale));
    }
}
