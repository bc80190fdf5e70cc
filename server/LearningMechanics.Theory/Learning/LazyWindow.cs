using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// How far the NTK is expected to move while the learning-rate limit is checked: the first-order estimate of its relative
/// change over <see cref="LazyWindow.Steps"/> full-batch steps at <see cref="LazyWindow.RateFraction"/> x eta_crit.
/// </summary>
/// <param name="KernelGrowth">sum_k (1 - s_k) rho_k: each layer's feature change rho_k rescales the NTK contributions of
/// every other layer, which hold the share 1 - s_k of the top eigenvalue.</param>
/// <param name="FeatureChange">rho_k per weight layer in graph order: E||dW_k phi_{k-1}||^2 / E||W_k phi_{k-1}||^2 over the
/// sample (for the readout, the output's change relative to its scale at init).</param>
/// <param name="TopShare">s_k: layer k's share of lambda_max(Theta) at init.</param>
/// <param name="ContributionError">|sum_k contribution_k - Theta|_F / |Theta|_F, the self-check of the backward pass (rounding).</param>
/// <param name="SampleCount">Probes used (the first <see cref="LazyWindow.MaxSample"/> of the LR sample).</param>
public sealed record LazyWindowEstimate(
    double KernelGrowth, ImmutableArray<double> FeatureChange, ImmutableArray<double> TopShare, double ContributionError, int SampleCount)
{
    /// <summary>True when the kernel's growth keeps the threshold within the check's tolerance (<see cref="LazyWindow.GrowthLimit"/>).</summary>
    public bool IsLazy => KernelGrowth <= LazyWindow.GrowthLimit;
}

/// <summary>
/// Lazy vs rich over the learning-rate check (THEORY.md §9.2). eta_crit = 2/lambda_max(H_0) is a statement about the
/// curvature at init; a run can confirm it only while the kernel stays near Theta_0. Chizat, Oyallon and Bach (2019, "On
/// lazy training") tie this to the model's scale: a net whose output starts small next to its targets has to grow its
/// weights multiplicatively, and the kernel grows with them (the ordered nets of the validation grid, where the loss turned
/// up at 0.2–0.5 x the limit while lambda_max(H_0) was predicted within 1 %; bench/RESULTS.md). The estimate:
/// <list type="number">
/// <item>Linearised GD on the sample: the residual's eigencomponents decay as (1 - x_i)^t with x_i = 2 f lambda_i/lambda_max
/// at f x eta_crit, so after T steps the parameters have moved by dtheta = J^T a, a = Theta^-1 (I - (I - x Theta)^T) r.</item>
/// <item>Targets of unit variance per output (the trainer's synthetic targets are standardised) and the output's own
/// init spread: E[r r^T] = I + K_out.</item>
/// <item>For weight layer k, dW_k = sum_j a_j delta_k(x_j) phi_{k-1}(x_j)^T, so ||dW_k phi_{k-1}(x)||^2 = s_x^T (B_k ∘ a a^T) s_x
/// with s_x = fan_in Sigma_{k-1}(., x) and B_k(x, x') = delta_k(x)·delta_k(x') the backward kernel, propagated from the
/// output (B = 1) through the same rules in reverse (Linear: sigma_w^2; activation: E[phi' phi']; Add: alpha^2 on the
/// branch). The init size is ||W_k phi_{k-1}(x)||^2 = n_out sigma_w^2 Sigma_{k-1}(x, x).</item>
/// <item>Layer k's NTK contribution is fan_in Sigma_{k-1} ∘ B_k (+ B_k for its bias); the contributions sum to Theta exactly.</item>
/// </list>
/// The estimate is first order (each layer's change rescales the others' contributions once) and is used only as a
/// regime condition: beyond <see cref="GrowthLimit"/> the threshold moves by more than the ±20 % the check allows.
/// </summary>
public static class LazyWindow
{
    /// <summary>The LR check's tolerance on the threshold (THEORY.md §8 CPU check, ±20 %).</summary>
    public const double Tolerance = 0.2;

    /// <summary>
    /// Largest kernel growth that keeps the threshold in tolerance: the threshold scales as 1/lambda_max, so growth g moves it
    /// to 1/(1 + g) of the prediction, and 1/(1 + g) >= 1 - Tolerance gives g &lt;= 1/(1 - Tolerance) - 1 = 0.25. (Session 4
    /// compared g with the tolerance itself, 0.2, which mixed a kernel change with a threshold change.)
    /// </summary>
    public const double GrowthLimit = 1 / (1 - Tolerance) - 1;

    /// <summary>The check's window: THEORY.md §8 CPU check, 30 full-batch steps at 0.8 x the prediction.</summary>
    public const int Steps = 30;

    public const double RateFraction = 0.8;

    /// <summary>Largest sample the estimate uses (the first probes of a larger one): one O(n^2 L) propagation keeping every node.</summary>
    public const int MaxSample = 64;

    /// <summary>
    /// The estimate for a graph of Linear, activation, residual Add, dropout and reshaping ops; null for other ops (convolutions,
    /// norms, attention: their backward kernels are not modelled here) or when propagation stops. Memoised per architecture and
    /// sample (3.5 ms for a 64-256-256-1 MLP on 64 probes, on every edit before).
    /// </summary>
    public static LazyWindowEstimate? Estimate(ModelGraph graph, double[,] gramOverN0, int maxSample = MaxSample, CancellationToken cancellationToken = default)
    {
        if (!graph.Nodes.All(n => n.Op is Input or Linear or Activation or Add or Dropout or Flatten))
            return null;
        var m = Math.Min(gramOverN0.GetLength(0), maxSample);
        var gram = new double[m, m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                gram[i, j] = gramOverN0[i, j];
        return s_memo.GetOrAdd(graph, gram, 0, () => Compute(graph, gram, m, cancellationToken));
    }

    private static readonly EstimateMemo<LazyWindowEstimate?> s_memo = new();

    private static LazyWindowEstimate? Compute(ModelGraph graph, double[,] gram, int m, CancellationToken cancellationToken)
    {
        // K outputs with the same kernel and independent unit-variance residuals: every layer moves K times as much as for one
        // (cross-output terms average out at init), while its size at init does not depend on K.
        var outputs = graph.InferShapes().OutputOf(graph.Output).Last ?? 1;
        var states = KernelPropagation.Run(graph, KernelMatrix.FromInputGram(gram), Parameterization.Standard, cancellationToken: cancellationToken);
        if (states.Any(s => s.Kernel is null))
            return null;
        var output = states[graph.Output].Kernel!;
        var thetaMatrix = output.ThetaMatrix();
        var theta = Flat(thetaMatrix);

        var evd = Matrix<double>.Build.DenseOfArray(thetaMatrix).Evd(Symmetricity.Symmetric);
        var lambdas = evd.EigenValues.Select(e => Math.Max(e.Real, 0)).ToArray();
        var lambdaMax = lambdas.Max();
        if (!(lambdaMax > 0))
            return null;
        var vectors = evd.EigenVectors;
        var top = vectors.Column(Array.IndexOf(lambdas, lambdaMax)).ToArray();
        // a = V diag((1 - (1 - x_i)^T) / lambda_i) V^T r; the limit T x_i / lambda_i = 2 f T / lambda_max as lambda_i -> 0.
        var fit = lambdas.Select(l =>
        {
            var x = 2 * RateFraction * l / lambdaMax;
            return x < 1e-12 ? 2 * RateFraction * Steps / lambdaMax : (1 - Math.Pow(1 - x, Steps)) / l;
        }).ToArray();
        var fitOperator = vectors * Matrix<double>.Build.DiagonalOfDiagonalArray(fit) * vectors.Transpose();
        var residual = Matrix<double>.Build.DenseIdentity(m) + Matrix<double>.Build.DenseOfArray(output.SigmaMatrix());
        var coefficients = Flat((fitOperator * residual * fitOperator).ToArray()); // E[a a^T]

        var backward = BackwardKernels(graph, states, m);
        var change = ImmutableArray.CreateBuilder<double>();
        var share = ImmutableArray.CreateBuilder<double>();
        var growth = 0.0;
        var total = new double[m * m];
        var (weighted, product) = (new double[m * m], new double[m * m]);
        foreach (var node in graph.Nodes.Where(n => n.Op is Linear))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var linear = (Linear)node.Op;
            var sigmaW2 = node.SigmaW2 ?? 0;
            var features = Flat(states[node.Inputs[0]].Kernel!.SigmaMatrix(), linear.InFeatures);
            var b = backward[node.Id]!;
            for (var idx = 0; idx < weighted.Length; idx++)
                weighted[idx] = b[idx] * coefficients[idx];
            // sum_x s_x^T (B ∘ E[a a^T]) s_x = sum of the entries of (S (B ∘ E[a a^T])) ∘ S, S symmetric: one product per layer.
            Array.Clear(product);
            for (var x = 0; x < m; x++)
            {
                var row = product.AsSpan(x * m, m);
                for (var j = 0; j < m; j++)
                    Blas.Axpy(features[x * m + j], weighted.AsSpan(j * m, m), row);
            }
            var moved = outputs * Blas.Dot(product, features);
            var size = 0.0;
            for (var x = 0; x < m; x++)
                size += features[x * m + x];
            size *= linear.OutFeatures * sigmaW2 / linear.InFeatures;
            var rho = size > 0 ? moved / size : 0;
            // Layer k's NTK contribution: fan_in Sigma_{k-1} ∘ B_k for the weights, + B_k for the bias.
            var s = 0.0;
            for (var i = 0; i < m; i++)
                for (var j = 0; j < m; j++)
                {
                    var contribution = features[i * m + j] * b[i * m + j] + (node.SigmaB2 is null ? 0 : b[i * m + j]);
                    total[i * m + j] += contribution;
                    s += top[i] * contribution * top[j];
                }
            s /= lambdaMax;
            change.Add(rho);
            share.Add(s);
            growth += (1 - s) * rho;
        }
        // The layers' contributions must add up to Theta; when they do not, the backward pass does not model this graph.
        double error = 0, norm = 0;
        for (var idx = 0; idx < total.Length; idx++)
        {
            error += (total[idx] - theta[idx]) * (total[idx] - theta[idx]);
            norm += theta[idx] * theta[idx];
        }
        var contributionError = Math.Sqrt(error / norm);
        if (!(contributionError < 1e-8))
            return null;
        return new LazyWindowEstimate(growth, change.ToImmutable(), share.ToImmutable(), contributionError, m);
    }

    private static double[] Flat(double[,] matrix, double scale = 1)
    {
        var (rows, columns) = (matrix.GetLength(0), matrix.GetLength(1));
        var flat = new double[rows * columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                flat[i * columns + j] = scale * matrix[i, j];
        return flat;
    }

    /// <summary>
    /// B(x, x') = delta(x)·delta(x') at every node's output, from B = 1 at the (scalar or per-output identical) output, in
    /// reverse topological order: the transposes of the forward rules' Theta factors.
    /// </summary>
    private static double[]?[] BackwardKernels(ModelGraph graph, IReadOnlyList<Rules.NodeState> states, int m)
    {
        var backward = new double[]?[graph.Nodes.Length];
        backward[graph.Output] = Enumerable.Repeat(1.0, m * m).ToArray();
        for (var id = graph.Nodes.Length - 1; id >= 0; id--)
        {
            var node = graph.Nodes[id];
            if (backward[id] is not { } b)
                continue;
            var kernel = states[id].Kernel!;
            for (var k = 0; k < node.Inputs.Length; k++)
            {
                var passed = new double[m * m];
                switch (node.Op)
                {
                    case Linear:
                        Blas.Axpy(node.SigmaW2 ?? 0, b, passed);
                        break;
                    case Activation:
                        for (var i = 0; i < m; i++)
                            for (var j = 0; j < m; j++)
                                passed[i * m + j] = kernel.SigmaDot(i, j) * b[i * m + j];
                        break;
                    case Add add:
                        Blas.Axpy(k == 0 ? 1 : add.BranchScale * add.BranchScale, b, passed);
                        break;
                    case Dropout dropout:
                        b.CopyTo(passed, 0);
                        for (var i = 0; i < m; i++)
                            passed[i * m + i] /= 1 - dropout.P;
                        break;
                    default:
                        b.CopyTo(passed, 0);
                        break;
                }
                var input = node.Inputs[k];
                if (backward[input] is { } existing)
                    Blas.Axpy(1, passed, existing);
                else
                    backward[input] = passed;
            }
        }
        return backward;
    }
}
