using System.Collections.Immutable;

namespace LearningMechanics.Theory.Kernels;

/// <summary>
/// The infinite-width kernels of one node's output over n probe inputs, as neural-tangents' <c>Kernel</c> holds them:
/// <see cref="Sigma"/> (NNGP, Sigma(x_i, x_j) = E[h_i h_j] per unit), <see cref="Theta"/> (NTK; after an activation it
/// already carries the factor E[phi'phi'] that the next affine layer needs, as in neural-tangents), and
/// <see cref="SigmaDot"/> (E[phi'(u) phi'(v)] of the last activation, 1 before any). Diagonals are the lengths q.
/// </summary>
/// <remarks>
/// Immutable; every rule returns a new instance. The matrices are symmetric and stored packed: the upper triangle row by
/// row, entry (i, j &gt;= i) at <see cref="Index"/>(i, j), so a rule's pair loop reads and writes memory in order.
/// </remarks>
public sealed class KernelMatrix
{
    private readonly double[] _sigma;
    private readonly double[] _theta;
    private readonly double[]? _sigmaDot; // null: every entry is 1 (the output of an affine op or the input)
    private double[]? _means; // null: zero-mean units (set once, right after construction, by WithMeans)

    private KernelMatrix(int count, double[] sigma, double[] theta, double[]? sigmaDot, bool isGaussian, bool isFreshAffine)
    {
        Count = count;
        _sigma = sigma;
        _theta = theta;
        _sigmaDot = sigmaDot;
        IsGaussian = isGaussian;
        IsFreshAffine = isFreshAffine;
    }

    /// <summary>Number of probe inputs n.</summary>
    public int Count { get; }

    /// <summary>
    /// True when the node's output is jointly Gaussian over the probes at infinite width (the output of a random affine
    /// op, or a normalisation of one): an elementwise activation needs this.
    /// </summary>
    public bool IsGaussian { get; }

    /// <summary>True when the output is W x + b with W zero-mean and independent of everything upstream, so it is
    /// uncorrelated with every other path (the residual rule relies on it).</summary>
    public bool IsFreshAffine { get; }

    public double Sigma(int i, int j) => _sigma[Index(i, j)];

    public double Theta(int i, int j) => _theta[Index(i, j)];

    public double SigmaDot(int i, int j) => _sigmaDot is null ? 1 : _sigmaDot[Index(i, j)];

    /// <summary>
    /// E[h(x_i)] per unit: the common mode of a non-zero-mean activation (ReLU, GELU...), 0 after a zero-mean affine op.
    /// LayerNorm and GroupNorm subtract it (centering).
    /// </summary>
    public double Mean(int i) => _means?[i] ?? 0;

    /// <summary>True when some probe has a non-zero per-unit mean.</summary>
    public bool HasMeans => _means is not null;

    /// <summary>The same kernel with per-probe unit means (null: zero).</summary>
    internal KernelMatrix WithMeans(double[]? means) =>
        new(Count, _sigma, _theta, _sigmaDot, IsGaussian, IsFreshAffine) { _means = means };

    /// <summary>q = Sigma(x_i, x_i).</summary>
    public double Q(int i) => _sigma[Index(i, i)];

    /// <summary>Mean of q over the probes: the predicted mean over units and inputs of the squared output.</summary>
    public double MeanQ => Enumerable.Range(0, Count).Average(Q);

    /// <summary>Position of (i, j) in the packed upper triangle (either order).</summary>
    public int Index(int i, int j)
    {
        if (i > j)
            (i, j) = (j, i);
        return i * Count - i * (i - 1) / 2 + (j - i);
    }

    /// <summary>The packed NNGP values (for the rules' inner loops).</summary>
    internal ReadOnlySpan<double> SigmaValues => _sigma;

    /// <summary>The packed NNGP array itself, for pair loops that run rows in parallel (read only: the matrix is immutable).</summary>
    internal double[] SigmaArray => _sigma;

    /// <summary>The packed NTK array itself (read only).</summary>
    internal double[] ThetaArray => _theta;

    /// <summary>The packed NTK values.</summary>
    internal ReadOnlySpan<double> ThetaValues => _theta;

    /// <summary>A kernel from packed arrays the caller hands over (not copied); sigmaDot null means all ones.</summary>
    internal static KernelMatrix FromPacked(int count, double[] sigma, double[] theta, double[]? sigmaDot, bool isGaussian, bool isFreshAffine) =>
        new(count, sigma, theta, sigmaDot, isGaussian, isFreshAffine);

    /// <summary>An uninitialised packed array for n probes (every entry is written by the caller).</summary>
    internal static double[] NewPacked(int count) => PackedPool.Rent(count * (count + 1) / 2);

    /// <summary>The packed arrays this kernel holds (for <see cref="KernelPropagation.RunToOutput"/>'s recycling).</summary>
    internal IEnumerable<double[]> Buffers
    {
        get
        {
            yield return _sigma;
            yield return _theta;
            if (_sigmaDot is not null)
                yield return _sigmaDot;
        }
    }

    /// <summary>The input kernel Sigma^0(x_i, x_j) = x_i·x_j / n_0 from a Gram matrix already divided by n_0; Theta^0 = 0.</summary>
    public static KernelMatrix FromInputGram(double[,] gramOverN0)
    {
        var n = gramOverN0.GetLength(0);
        var sigma = NewPacked(n);
        var idx = 0;
        for (var i = 0; i < n; i++)
            for (var j = i; j < n; j++)
                sigma[idx++] = gramOverN0[i, j];
        return new KernelMatrix(n, sigma, new double[sigma.Length], null, isGaussian: true, isFreshAffine: false);
    }

    /// <summary>One probe input with E[x^2] = <paramref name="secondMoment"/>.</summary>
    public static KernelMatrix SingleInput(double secondMoment) => FromInputGram(new[,] { { secondMoment } });

    /// <summary>Two probe inputs with second moments q1, q2 and correlation c.</summary>
    public static KernelMatrix Pair(double q1, double q2, double c) =>
        FromInputGram(new[,] { { q1, c * Math.Sqrt(q1 * q2) }, { c * Math.Sqrt(q1 * q2), q2 } });

    /// <summary>Applies <paramref name="map"/> to every pair i &lt;= j (the matrices are symmetric).</summary>
    public KernelMatrix MapPairs(Func<int, int, (double Sigma, double Theta, double SigmaDot)> map, bool isGaussian, bool isFreshAffine)
    {
        var (sigma, theta, sigmaDot) = (NewPacked(Count), NewPacked(Count), NewPacked(Count));
        var idx = 0;
        for (var i = 0; i < Count; i++)
            for (var j = i; j < Count; j++, idx++)
                (sigma[idx], theta[idx], sigmaDot[idx]) = map(i, j);
        return new KernelMatrix(Count, sigma, theta, sigmaDot, isGaussian, isFreshAffine);
    }

    /// <summary>The same matrices with new flags.</summary>
    public KernelMatrix WithFlags(bool isGaussian, bool isFreshAffine) => new(Count, _sigma, _theta, _sigmaDot, isGaussian, isFreshAffine) { _means = _means };

    /// <summary>The NNGP matrix as an array (a copy).</summary>
    public double[,] SigmaMatrix() => ToArray(_sigma);

    /// <summary>The NTK matrix as an array (a copy).</summary>
    public double[,] ThetaMatrix() => ToArray(_theta);

    /// <summary>The pair view (probes 0 and 1) of a kernel with two or more probes.</summary>
    public Kernel ToPair(int i = 0, int j = 1) => new(Q(i), Q(j), Sigma(i, j), SigmaDot(i, j), Theta(i, i), Theta(j, j), Theta(i, j), IsGaussian);

    public ImmutableArray<double> Diagonal => Enumerable.Range(0, Count).Select(Q).ToImmutableArray();

    private double[,] ToArray(double[] packed)
    {
        var result = new double[Count, Count];
        var idx = 0;
        for (var i = 0; i < Count; i++)
            for (var j = i; j < Count; j++, idx++)
                result[i, j] = result[j, i] = packed[idx];
        return result;
    }
}
