using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Learning;

/// <summary>How lambda_max(Theta) moves over the first full-batch GD steps at eta_crit, at the model's own widths.</summary>
/// <param name="Ratio">Mean over draws of lambda_max(Theta_t) / lambda_max(Theta_0) for t = 0 .. <see cref="SharpnessDrift.Steps"/>;
/// +infinity from the step where a draw diverged.</param>
/// <param name="StandardError">Standard error of <see cref="Correction"/> over the draws.</param>
public sealed record SharpnessDriftEstimate(ImmutableArray<double> Ratio, double StandardError, int Draws, int SampleCount)
{
    /// <summary>lambda_max after the early transient (<see cref="SharpnessDrift.TransientSteps"/> steps) over lambda_max at init.</summary>
    public double Correction => Ratio[SharpnessDrift.TransientSteps];

    /// <summary>The largest ratio over the window, minus one: the sharpness's growth (progressive sharpening of a rich net).</summary>
    public double PeakGrowth => Ratio.Max() - 1;

    /// <summary>True when the sharpness grows by more than the check's tolerance allows within the window.</summary>
    public bool IsSharpening => !(PeakGrowth <= LazyWindow.GrowthLimit);

    /// <summary>What the GD eta_crit's lambda_max(H_0) is multiplied by: <see cref="Correction"/>, or null when the net sharpens (out of regime, uncorrected).</summary>
    public double? LimitFactor => !IsSharpening && double.IsFinite(Correction) && Correction > 0 ? Correction : null;
}

/// <summary>
/// The early drift of the sharpness at finite width. In the uv model (Lewkowycz et al. 2020, "The large learning rate phase
/// of deep learning", eq. 5) one step moves the curvature by d lambda = (eta r / n)(eta lambda r - 4 f): a net whose output f
/// is large next to its targets loses curvature while it fits them, and one whose output starts near zero gains it. In deep
/// nets this opens a "sharpness reduction" phase with depth/width (Kalra &amp; Barkeshli 2023, "Phase diagram of early training
/// dynamics"), so a net whose lambda_max falls by 5 % in its first steps passes the monotone check up to 1/0.95 of
/// 2/lambda_max(H_0). The size is O(depth/width) with activation-dependent constants, so the engine draws nets of the init
/// ensemble (<see cref="DrawnNetwork"/>) and takes the steps: full-batch GD at each draw's own eta_crit on MSE (mean), with
/// targets from the trainer's random tanh teacher standardised to unit variance. No user code and no user weights.
/// </summary>
public static class SharpnessDrift
{
    /// <summary>Steps simulated: the window over which sharpening is looked for.</summary>
    public const int Steps = 10;

    /// <summary>
    /// The transient after which the sharpness sets the threshold: the residual's fast modes have decayed and the drift flattens
    /// (a 2 % change from step 5 to 10 on the grid nets). On the session-6 grids the corrected threshold's bias and scatter were
    /// the same for 2 to 10 steps (bench/RESULTS.md).
    /// </summary>
    public const int TransientSteps = 5;

    /// <summary>Draws averaged: the mean's standard error is ≈ 1 % of lambda_max for the deep grid nets.</summary>
    public const int Draws = 8;

    public const int MinDraws = 4;

    /// <summary>Work allowed over all draws in multiply-adds (≈ 4 s on one core of the build machine, so the depth-8 width-512 grid nets get 8 draws on 16 probes; draws run in parallel).</summary>
    public const double Budget = 8e9;

    public const int TeacherWidth = 64;

    private static readonly EstimateMemo<SharpnessDriftEstimate?> s_memo = new();

    /// <summary>
    /// The drift for a graph with one output and the ops <see cref="DrawnNetwork"/> supports; null otherwise, when the net is too
    /// large for <see cref="Budget"/> on <see cref="InitSpread.MinSample"/> probes, or when the NTK at init is zero.
    /// </summary>
    public static SharpnessDriftEstimate? Estimate(ModelGraph graph, double[,] gramOverN0, int seed = 0, CancellationToken cancellationToken = default)
    {
        // Each draw: every weight drawn (NormalCost each), then Steps + 1 forward and backward passes and Steps updates (≈ 3 m per weight each).
        if (!DrawnNetwork.IsSupported(graph) || (graph.InferShapes().OutputOf(graph.Output).Last ?? 1) != 1
            || DrawnNetwork.Plan(graph, gramOverN0, m => InitSpread.NormalCost + 3.0 * m * (Steps + 1), Budget, Draws, MinDraws, InitSpread.MaxSample, InitSpread.MinSample) is not { } plan)
            return null;
        var (gram, drawCount) = plan;
        return s_memo.GetOrAdd(graph, gram, seed, () => Simulate(graph, gram, drawCount, seed, cancellationToken));
    }

    private static SharpnessDriftEstimate? Simulate(ModelGraph graph, double[,] gram, int drawCount, int seed, CancellationToken cancellationToken)
    {
        var m = gram.GetLength(0);
        var teacherRoot = DrawnNetwork.SquareRoot(gram, 1, 0);
        var ratios = new double[]?[drawCount];
        // Each draw has its own seed, so the result does not depend on how the draws are scheduled.
        Parallel.For(0, drawCount, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            d => ratios[d] = Trajectory(graph, gram, teacherRoot, new GaussianSource(unchecked(seed * 7919 + d + 1)), cancellationToken));
        if (ratios.Any(r => r is null))
            return null;
        var complete = ratios.Select(r => r!).ToArray();
        var mean = new double[Steps + 1];
        for (var t = 0; t <= Steps; t++)
            mean[t] = complete.Average(r => r[t]);
        var corrections = complete.Select(r => r[TransientSteps]).ToArray();
        var standardError = corrections.All(double.IsFinite)
            ? Math.Sqrt(corrections.Sum(c => (c - mean[TransientSteps]) * (c - mean[TransientSteps])) / (drawCount - 1) / drawCount)
            : double.PositiveInfinity;
        return new SharpnessDriftEstimate([.. mean], standardError, drawCount, m);
    }

    /// <summary>lambda_max(Theta_t)/lambda_max(Theta_0) for one draw; null when the NTK at init is zero.</summary>
    private static double[]? Trajectory(ModelGraph graph, double[,] gram, double[] teacherRoot, GaussianSource random, CancellationToken cancellationToken)
    {
        var m = gram.GetLength(0);
        var network = new DrawnNetwork(graph, gram);
        network.Draw(random);
        var targets = TeacherTargets(teacherRoot, m, random);
        network.Forward(cancellationToken);
        var lambda0 = DataKernels.LambdaMax(network.Ntk(cancellationToken));
        if (!(lambda0 > 0))
            return null;
        var ratio = new double[Steps + 1];
        ratio[0] = 1;
        for (var t = 1; t <= Steps; t++)
        {
            // MSE (mean) over m probes: grad = (2/m) sum_i r_i grad f_i and eta_crit = m/lambda_max(Theta_0), so a step at eta_crit
            // is theta -= sum_i (2 r_i / lambda_0) grad f_i.
            var output = network.Output();
            var coefficients = new double[m];
            for (var i = 0; i < m; i++)
                coefficients[i] = 2 * (output[i] - targets[i]) / lambda0;
            network.Step(coefficients);
            network.Forward(cancellationToken);
            var theta = network.Ntk(cancellationToken);
            var lambda = IsFinite(theta) ? DataKernels.LambdaMax(theta) : double.NaN;
            if (!double.IsFinite(lambda))
            {
                // The steps diverged: the curvature grew without bound within the window.
                Array.Fill(ratio, double.PositiveInfinity, t, Steps + 1 - t);
                break;
            }
            ratio[t] = lambda / lambda0;
        }
        return ratio;
    }

    private static bool IsFinite(double[,] matrix)
    {
        foreach (var value in matrix)
            if (!double.IsFinite(value))
                return false;
        return true;
    }

    /// <summary>y = tanh(x A / sqrt(d)) B / sqrt(64), standardised over the probes (the trainer's synthetic regression task).</summary>
    private static double[] TeacherTargets(double[] root, int m, GaussianSource random)
    {
        var (g, b, y) = (new double[m], new double[TeacherWidth], new double[m]);
        random.Fill(b);
        for (var j = 0; j < TeacherWidth; j++)
        {
            random.Fill(g);
            for (var p = 0; p < m; p++)
                y[p] += Math.Tanh(Blas.Dot(root.AsSpan(p * m, m), g)) * b[j];
        }
        var mean = y.Average();
        var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / (m - 1));
        return [.. y.Select(v => (v - mean) / sd)];
    }
}
