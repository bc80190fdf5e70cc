using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.Rules;
using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Kernels;

/// <summary>NNGP and NTK of a model on a sample of inputs, and the spectral quantities the learning-rate limits need.</summary>
public static class DataKernels
{
    /// <summary>
    /// Gram matrix x_i·x_j / n_0 of <paramref name="n"/> seeded Gaussian directions in R^dim, each scaled to
    /// ||x||^2 = dim · secondMoment (THEORY.md Appendix A7: inputs "scaled to norm sqrt(20)"). Every probe then has the
    /// same length, so the kernel of each layer depends on the pair only through its correlation and one correlation
    /// table per layer serves every pair (the diagonal is exactly <paramref name="secondMoment"/>).
    /// </summary>
    public static double[,] SyntheticGram(int n, long dim, double secondMoment, int seed)
    {
        // Memoised: the editor re-analyses the same input shape on every edit. The result is a copy.
        var key = (n, dim, secondMoment, seed);
        if (s_grams.TryGetValue(key, out var cached))
            return (double[,])cached.Clone();
        if (s_grams.Count >= 8)
            s_grams.Clear();
        var gram = DrawGram(n, dim, secondMoment, seed);
        s_grams[key] = gram;
        return (double[,])gram.Clone();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, long, double, int), double[,]> s_grams = new();

    private static double[,] DrawGram(int n, long dim, double secondMoment, int seed)
    {
        var random = new Random(seed);
        var inputs = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var row = new double[dim];
            for (var d = 0; d < dim; d++)
                row[d] = StandardNormal.Sample(random);
            var norm2 = Blas.Dot(row, row);
            var scale = norm2 > 0 ? Math.Sqrt(dim * secondMoment / norm2) : 0;
            for (var d = 0; d < dim; d++)
                row[d] *= scale;
            inputs[i] = row;
        }
        var gram = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            gram[i, i] = secondMoment;
            for (var j = i + 1; j < n; j++)
                gram[i, j] = gram[j, i] = Blas.Dot(inputs[i], inputs[j]) / dim;
        }
        return gram;
    }

    /// <summary>x_i·x_j / n_0 of the rows of <paramref name="inputs"/>.</summary>
    public static double[,] Gram(double[,] inputs)
    {
        var (n, dim) = (inputs.GetLength(0), inputs.GetLength(1));
        var rows = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, dim).Select(d => inputs[i, d]).ToArray()).ToArray();
        var gram = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i; j < n; j++)
                gram[i, j] = gram[j, i] = Blas.Dot(rows[i], rows[j]) / dim;
        return gram;
    }

    /// <summary>The output node's kernels on the inputs, or the state saying where propagation stopped.</summary>
    public static NodeState AtOutput(
        ModelGraph graph, double[,] gramOverN0, Parameterization parameterization, KernelQuadrature quadrature = KernelQuadrature.Tabulated,
        CancellationToken cancellationToken = default) =>
        EqualLengthPropagation.TryRun(graph, gramOverN0, parameterization, quadrature, cancellationToken)
        ?? KernelPropagation.RunToOutput(graph, KernelMatrix.FromInputGram(gramOverN0), parameterization, quadrature, cancellationToken);

    /// <summary>
    /// Largest eigenvalue of a symmetric matrix: Lanczos with full reorthogonalisation until the residual bound of the top
    /// Ritz value is below 1e-12 of it (exact up to rounding; at most n steps, then the tridiagonal is the whole matrix).
    /// </summary>
    public static double LambdaMax(double[,] symmetric) => Lanczos.LargestEigenvalue(symmetric);

    /// <summary>Eigenvalues of a symmetric matrix, ascending.</summary>
    public static double[] Eigenvalues(double[,] symmetric) =>
        Matrix<double>.Build.DenseOfArray(symmetric).Evd(Symmetricity.Symmetric)
            .EigenValues.Select(e => e.Real).Order().ToArray();

    /// <summary>
    /// Cheap estimate lambda_max(Theta) ≈ (n-1)·mean_{i≠j} Theta_ij + mean_i Theta_ii: the constant mode that dominates
    /// when inputs are not centred or the net is deep. THEORY.md §8.1 [D; C: 44.1 vs exact 47.7 for a 1-hidden ReLU].
    /// </summary>
    public static double LambdaMaxEstimate(double[,] theta)
    {
        var n = theta.GetLength(0);
        double diagonal = 0, offDiagonal = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                if (i == j)
                    diagonal += theta[i, j];
                else
                    offDiagonal += theta[i, j];
        return n == 1 ? diagonal : (n - 1) * offDiagonal / (n * (n - 1.0)) + diagonal / n;
    }

    /// <summary>Input dimension n_0 of the graph (product of the input shape), or null when unknown.</summary>
    public static long? InputDimension(ModelGraph graph) =>
        graph.Nodes.Length > 0 && graph.Nodes[0].Op is Input input ? input.Shape.Elements : null;

    /// <summary>E[x²] the graph declares for its input; 1 when it declares none.</summary>
    public static double InputSecondMoment(ModelGraph graph) =>
        graph.Nodes.Length > 0 && graph.Nodes[0].Op is Input input ? input.SecondMoment : 1.0;

    /// <summary><see cref="SyntheticGram(int, long, double, int)"/> for the graph's own input; null when its dimension is unknown.</summary>
    public static double[,]? SyntheticGram(ModelGraph graph, int n, int seed) =>
        InputDimension(graph) is { } dim && dim > 0 ? SyntheticGram(n, dim, InputSecondMoment(graph), seed) : null;
}
