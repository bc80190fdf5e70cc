using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// Kernel rule of an elementwise activation phi: the Gaussian expectations every mean-field formula needs.
/// </summary>
/// <remarks>
/// With (u, v) ~ N(0, [[q1, k], [k, q2]]):                                                        THEORY.md §2, §3, §6.1
///   Sigma'    = E[phi(u) phi(v)]        (the q-map and c-map before the affine sigma_w^2, sigma_b^2)
///   SigmaDot' = E[phi'(u) phi'(v)]      (chi_1 = sigma_w^2 E[phi'(u)^2] at q*; chi_c at c*)
///   Theta'    = SigmaDot' * Theta       (the NTK factor; the next affine layer adds Sigma, neural-tangents style)
/// Regime: infinite width; the input must be Gaussian (a random affine op precedes the activation).
/// </remarks>
public abstract record ActivationRule
{
    /// <summary>TorchSharp-style name ("Tanh", "LeakyReLU(0.01)").</summary>
    public abstract string Name { get; }

    /// <summary>[D]/[V] for closed forms, [C] for quadrature.</summary>
    public abstract Evidence Evidence { get; }

    /// <summary>True when phi(a x) = a phi(x) for a &gt; 0 (ReLU family, identity): the q-map is linear, q^{l+1} = sigma_w^2 g q^l + sigma_b^2.</summary>
    public virtual bool IsPositivelyHomogeneous => false;

    /// <summary>phi(0).</summary>
    public abstract double ValueAtZero { get; }

    /// <summary>phi'(0) (the right derivative at a kink).</summary>
    public abstract double SlopeAtZero { get; }

    /// <summary>E[phi(u) phi(v)] and E[phi'(u) phi'(v)] for the given covariance.</summary>
    public abstract ActivationMoments Moments(double q1, double q2, double k);

    /// <summary>E[phi(u) phi(v)] alone (the c-map needs no phi').</summary>
    public virtual double Covariance(double q1, double q2, double k) => Moments(q1, q2, k).Sigma;

    /// <summary>E[phi(sqrt(q) z)^2].</summary>
    public virtual double SecondMoment(double q) => Moments(q, q, q).Sigma;

    /// <summary>E[phi'(sqrt(q) z)^2]; sigma_w^2 times this is chi at length q.</summary>
    public virtual double SlopeSecondMoment(double q) => Moments(q, q, q).SigmaDot;

    /// <summary>mu_k = E[phi'(sqrt(q) z)^{2k}] (the Jacobian-spectrum moments of THEORY.md §5); null when not available.</summary>
    public virtual double? SlopeMoment(double q, int k) => null;

    /// <summary>E[phi(sqrt(q) z)]: the common mode a non-zero-mean activation adds to every unit (LayerNorm centering).</summary>
    public virtual double? Mean(double q) => null;

    /// <summary>d/dq E[phi(sqrt(q) z)^2] = E[phi'^2 + phi phi''] (Stein); sigma_w^2 times this at q* is exp(-1/xi_q) (THEORY.md §3).</summary>
    public abstract double LengthMapSlope(double q);

    /// <summary>
    /// The tabulated correlation maps at lengths q1, q2 when this rule has them (smooth activations without closed forms),
    /// else null: callers then use <see cref="Moments"/>.
    /// </summary>
    public virtual CorrelationTable? TableFor(double q1, double q2, CancellationToken cancellationToken = default) => null;

    /// <summary>
    /// True when this rule's tables agree with direct quadrature to display precision, so one is built (and memoised) even
    /// for a few pairs: results then do not depend on whether a table happened to exist, and the propagations of one
    /// analysis (single probe, pair, NTK sample) share the tables of their common lengths.
    /// </summary>
    public virtual bool TablesStandInForQuadrature => false;

    /// <summary>Applies the rule to every pair of probes of a Gaussian kernel (tables where they pay off).</summary>
    public KernelMatrix Apply(KernelMatrix kernel) => Apply(kernel, KernelQuadrature.Tabulated);

    /// <summary>
    /// Applies the rule to every pair of probes. Probes are grouped by their length q; the diagonal moments are computed
    /// once per distinct length, and the off-diagonal pairs of each pair of lengths read one <see cref="CorrelationTable"/>
    /// when there are at least <see cref="MinPairsPerTable"/> of them, or any when <see cref="TablesStandInForQuadrature"/>.
    /// </summary>
    public KernelMatrix Apply(KernelMatrix kernel, KernelQuadrature quadrature, CancellationToken cancellationToken = default)
    {
        var n = kernel.Count;
        var sigmaIn = kernel.SigmaValues;
        var (sigma, theta, sigmaDot) = (KernelMatrix.NewPacked(n), KernelMatrix.NewPacked(n), KernelMatrix.NewPacked(n));

        var groupOf = new int[n];
        var lengths = new List<double>();
        var groupIndex = new Dictionary<double, int>();
        var inverseRoot = new double[n];
        var root = new double[n];
        for (var i = 0; i < n; i++)
        {
            var q = sigmaIn[kernel.Index(i, i)];
            if (!groupIndex.TryGetValue(q, out var group))
            {
                group = lengths.Count;
                groupIndex[q] = group;
                lengths.Add(q);
            }
            groupOf[i] = group;
            root[i] = Math.Sqrt(Math.Max(q, 0));
            inverseRoot[i] = q > 0 ? 1 / root[i] : 0;
        }
        var groups = lengths.Count;
        var diagonal = lengths.Select(q => new ActivationMoments(SecondMoment(q), SlopeSecondMoment(q))).ToArray();
        var sizes = new long[groups];
        foreach (var group in groupOf)
            sizes[group]++;
        var tables = new CorrelationTable?[groups * groups];
        if (quadrature == KernelQuadrature.Tabulated)
        {
            for (var a = 0; a < groups; a++)
                for (var b = a; b < groups; b++)
                {
                    var pairs = a == b ? sizes[a] * (sizes[a] - 1) / 2 : sizes[a] * sizes[b];
                    if (lengths[a] > 0 && lengths[b] > 0)
                        tables[a * groups + b] = tables[b * groups + a] = pairs >= MinPairsPerTable || (pairs > 0 && TablesStandInForQuadrature)
                            ? TableFor(lengths[a], lengths[b], cancellationToken)
                            : null;
                }
        }

        // The ReLU family inline (arc-cosine closed forms, THEORY.md §6.1): no virtual call or index arithmetic per pair.
        var abRelu = this as AbReluRule;
        var (meanSlope2, kinkWeight) = abRelu is null ? (0.0, 0.0) : (abRelu.MeanSlope2, (abRelu.A - abRelu.B) * (abRelu.A - abRelu.B) / (2 * Math.PI));
        var sigmaInArray = kernel.SigmaArray;
        var thetaInArray = kernel.ThetaArray;
        void Row(int i)
        {
            var idx = kernel.Index(i, i);
            var moments = diagonal[groupOf[i]];
            var qi = sigmaInArray[idx];
            sigma[idx] = moments.Sigma;
            sigmaDot[idx] = moments.SigmaDot;
            theta[idx] = moments.SigmaDot * thetaInArray[idx];
            idx++;
            var tableRow = groupOf[i] * groups;
            var rootI = inverseRoot[i];
            for (var j = i + 1; j < n; j++, idx++)
            {
                double f, d;
                if (tables[tableRow + groupOf[j]] is { } table)
                {
                    table.Evaluate(sigmaInArray[idx] * rootI * inverseRoot[j], out f, out d);
                }
                else if (abRelu is not null && rootI > 0 && inverseRoot[j] > 0)
                {
                    var k = sigmaInArray[idx];
                    var c = k * rootI * inverseRoot[j];
                    c = c < -1 ? -1 : c > 1 ? 1 : c;
                    d = meanSlope2 - kinkWeight * Math.Acos(c);
                    f = kinkWeight * root[i] * root[j] * Math.Sqrt(1 - c * c) + d * k;
                }
                else
                {
                    var pair = Moments(qi, sigmaInArray[kernel.Index(j, j)], sigmaInArray[idx]);
                    (f, d) = (pair.Sigma, pair.SigmaDot);
                }
                sigma[idx] = f;
                sigmaDot[idx] = d;
                theta[idx] = d * thetaInArray[idx];
            }
        }

        // Rows write disjoint ranges of the packed arrays and every pair is computed on its own, so the result does not
        // depend on how rows are spread over threads. Small kernels (the editor's pair view) stay on the calling thread.
        if (n < ParallelRows)
        {
            for (var i = 0; i < n; i++)
            {
                if ((i & 15) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                Row(i);
            }
        }
        else
        {
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, Row);
        }
        var groupMeans = lengths.Select(Mean).ToArray();
        var means = groupMeans.All(m => m is not null) && groupMeans.Any(m => m != 0)
            ? groupOf.Select(group => groupMeans[group]!.Value).ToArray()
            : null;
        return KernelMatrix.FromPacked(n, sigma, theta, sigmaDot, isGaussian: false, isFreshAffine: false).WithMeans(means);
    }

    /// <summary>Off-diagonal pairs of one pair of lengths from which a table is cheaper than direct quadrature.</summary>
    public const int MinPairsPerTable = 16;

    /// <summary>Probe count from which the pair loop runs its rows in parallel.</summary>
    public const int ParallelRows = 128;
}
