using System.Collections.Concurrent;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace LearningMechanics.Theory.Numerics;

/// <summary>
/// Probabilists' Gauss–Hermite rule (numpy's <c>hermegauss</c>, normalised): E_{z~N(0,1)}[f(z)] ≈ sum_i w_i f(x_i), sum w_i = 1.
/// </summary>
/// <remarks>
/// Golub–Welsch: the monic He_k satisfy x He_k = He_{k+1} + k He_{k-1}, so the Jacobi matrix is symmetric tridiagonal
/// with zero diagonal and off-diagonal sqrt(k), k = 1..n-1. Nodes are its eigenvalues; weights are the squared first
/// components of the unit eigenvectors (times mu_0 = 1 for the standard normal).                THEORY.md §3, §15
/// Exact for polynomials of degree &lt;= 2n-1; biased for kinked integrands (E[1(z&gt;0)] is off by several percent),
/// so kinked activations use <see cref="GaussianExpectation.Split"/> instead.
/// </remarks>
public sealed class GaussHermite
{
    private static readonly ConcurrentDictionary<int, GaussHermite> s_cache = new();

    private readonly double[] _nodes, _weights;

    private GaussHermite(double[] nodes, double[] weights)
    {
        (_nodes, _weights) = (nodes, weights);
        Nodes = nodes;
        Weights = weights;
    }

    /// <summary>The nodes as an array, for inner loops (read only).</summary>
    internal ReadOnlySpan<double> NodeSpan => _nodes;

    /// <summary>The weights as an array, for inner loops (read only).</summary>
    internal ReadOnlySpan<double> WeightSpan => _weights;

    /// <summary>Nodes x_i in increasing order.</summary>
    public IReadOnlyList<double> Nodes { get; }

    /// <summary>Weights w_i, summing to 1.</summary>
    public IReadOnlyList<double> Weights { get; }

    public int Count => Nodes.Count;

    /// <summary>The n-point rule, computed once per n.</summary>
    public static GaussHermite Of(int n)
    {
        if (!(1 <= n && n <= 400))
            throw new ArgumentOutOfRangeException(nameof(n), n, "Gauss–Hermite order must be in 1..400");
        return s_cache.GetOrAdd(n, Compute);
    }

    public double Expect(Func<double, double> f)
    {
        var sum = 0.0;
        for (var i = 0; i < _nodes.Length; i++)
            sum += _weights[i] * f(_nodes[i]);
        return sum;
    }

    private static GaussHermite Compute(int n)
    {
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (var k = 1; k < n; k++)
        {
            var offDiagonal = Math.Sqrt(k);
            jacobi[k - 1, k] = offDiagonal;
            jacobi[k, k - 1] = offDiagonal;
        }
        var evd = jacobi.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            var column = order[i];
            nodes[i] = evd.EigenValues[column].Real;
            var first = evd.EigenVectors[0, column];
            weights[i] = first * first;
        }
        // Symmetrise: the rule is exactly symmetric, the eigen-solver only to rounding.
        for (var i = 0; i < n / 2; i++)
        {
            var x = (nodes[n - 1 - i] - nodes[i]) / 2;
            var w = (weights[i] + weights[n - 1 - i]) / 2;
            (nodes[i], nodes[n - 1 - i]) = (-x, x);
            (weights[i], weights[n - 1 - i]) = (w, w);
        }
        if (n % 2 == 1)
            nodes[n / 2] = 0;
        var total = weights.Sum();
        for (var i = 0; i < n; i++)
            weights[i] /= total;
        return new GaussHermite(nodes, weights);
    }
}
