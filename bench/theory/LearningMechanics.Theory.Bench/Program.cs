using System.Diagnostics;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.Rules;
using MathNet.Numerics.LinearAlgebra;

// Usage: dotnet run -c Release --project bench/theory/LearningMechanics.Theory.Bench [-- --baseline-n 16 --runs 20]
// Prints the warm time of all predictions (TheoryEngine.Analyze + LearningRateLimits.For with the analytic NTK on 256
// inputs) for 50-layer MLPs, and the speed-up over the direct-quadrature baseline measured in the same process.
var baselineN = ArgValue("--baseline-n", 16);
var runs = ArgValue("--runs", 20);
const int Layers = 50, Inputs = 256, InputDim = 128, Width = 512;

Console.WriteLine($"theory bench: {Layers} weight layers, width {Width}, input dim {InputDim}, NTK on {Inputs} inputs, SGD + MSELoss(mean)");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Console.WriteLine();

foreach (var (kind, sigmaW2, sigmaB2) in new[]
{
    (ActivationKind.Tanh, 1.7610, 0.05),   // critical tanh (THEORY.md §16 row 1)
    (ActivationKind.Tanh, 2.5, 0.05),      // chaotic tanh (row 7)
    (ActivationKind.GELU, 2.0, 0.0),
    (ActivationKind.ReLU, 2.0, 0.0),       // He init, closed forms
    (ActivationKind.ELU, 1.551, 0.0),      // kinked: arccos-grid tables of split quadratures (variance-preserving gain, §2)
})
{
    var graph = Mlp(kind, sigmaW2, sigmaB2);
    var name = $"{kind} sigma_w^2 = {sigmaW2}, sigma_b^2 = {sigmaB2}";
    double All()
    {
        var report = TheoryEngine.Analyze(graph);
        var limits = LearningRateLimits.For(graph, report, sampleCount: Inputs);
        return limits.EtaCrit?.Value ?? double.NaN;
    }
    var etaCrit = All();
    var warm = Median(runs, () => All());
    // Kinked phi build one arccos-grid table of 257 split quadratures per layer length: seconds cold, so timed once.
    var cold = Median(kind == ActivationKind.ELU ? 1 : Math.Max(3, runs / 4), () => { NumericActivationRule.ClearTables(); All(); });
    var analyzeOnly = Median(runs, () => TheoryEngine.Analyze(graph));
    var cpu = MedianCpu(runs, () => All());
    Console.WriteLine($"{name}: all predictions {warm:F1} ms warm (tables memoised; {cpu:F1} ms of CPU, all threads), {cold:F1} ms with tables rebuilt; Analyze alone {analyzeOnly:F2} ms; eta_crit = {etaCrit:G6}");
}
Console.WriteLine();

// Baseline: the previous engine's NTK path (64 x 64 Gauss–Hermite per pair and layer, full eigendecomposition), on
// baselineN inputs, in the same process; per-pair cost is constant, so it extrapolates to 256 inputs by the pair count.
{
    var graph = Mlp(ActivationKind.Tanh, 1.7610, 0.05);
    var gram = DataKernels.SyntheticGram(baselineN, InputDim, 1.0, seed: 0);
    double[,] Theta(KernelQuadrature quadrature) => DataKernels.AtOutput(graph, gram, Parameterization.Standard, quadrature).Kernel!.ThetaMatrix();
    double FullEvdLambda(double[,] theta) => Matrix<double>.Build.DenseOfArray(theta).Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
    var stopwatch = Stopwatch.StartNew();
    var direct = Theta(KernelQuadrature.Direct);
    var lambdaDirect = FullEvdLambda(direct);
    var baselineMs = stopwatch.Elapsed.TotalMilliseconds;
    var tabulated = Theta(KernelQuadrature.Tabulated);
    var newMs = Median(runs, () => DataKernels.LambdaMax(Theta(KernelQuadrature.Tabulated)));
    var maxRelative = 0.0;
    for (var i = 0; i < baselineN; i++)
        for (var j = 0; j < baselineN; j++)
            maxRelative = Math.Max(maxRelative, Math.Abs(tabulated[i, j] - direct[i, j]) / Math.Abs(direct[i, j]));
    var lambdaNew = DataKernels.LambdaMax(tabulated);
    var pairsRatio = Inputs * (Inputs - 1.0) / (baselineN * (baselineN - 1.0));
    Console.WriteLine($"baseline (direct quadrature + full EVD), critical tanh, {baselineN} inputs: {baselineMs:F0} ms; new path {newMs:F2} ms; ratio {baselineMs / newMs:F0}x");
    Console.WriteLine($"  accuracy: max relative NTK entry difference {maxRelative:E2}; lambda_max {lambdaNew:R} vs {lambdaDirect:R} (rel. {Math.Abs(lambdaNew / lambdaDirect - 1):E2})");
    var tanhWarm = Median(runs, () => LearningRateLimits.For(graph, TheoryEngine.Analyze(graph), sampleCount: Inputs));
    Console.WriteLine($"  baseline extrapolated to {Inputs} inputs by pair count: {baselineMs * pairsRatio / 1000:F0} s vs {tanhWarm:F1} ms measured: ratio {baselineMs * pairsRatio / tanhWarm:F0}x");
}

static double Median(int count, Action action)
{
    var times = new double[count];
    for (var run = 0; run < count; run++)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        times[run] = stopwatch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times[count / 2];
}

// CPU time of the process per call (all threads): on a shared machine a wall-clock median includes time the scheduler gave
// to other processes, while CPU time does not (it does include the pair loop's second thread when it runs in parallel).
static double MedianCpu(int count, Action action)
{
    var process = System.Diagnostics.Process.GetCurrentProcess();
    var times = new double[count];
    for (var run = 0; run < count; run++)
    {
        process.Refresh();
        var start = process.TotalProcessorTime;
        action();
        process.Refresh();
        times[run] = (process.TotalProcessorTime - start).TotalMilliseconds;
    }
    Array.Sort(times);
    return times[count / 2];
}

int ArgValue(string name, int fallback)
{
    var idx = Array.IndexOf(args, name);
    return idx >= 0 && idx + 1 < args.Length && int.TryParse(args[idx + 1], out var value) ? value : fallback;
}

static ModelGraph Mlp(ActivationKind kind, double sigmaW2, double sigmaB2)
{
    var builder = new GraphBuilder("bench", ModelOrigin.Synthetic, TensorShape.Of(InputDim));
    InitSpec biasInit = new NormalInit(0, Math.Sqrt(sigmaB2));
    long fanIn = InputDim;
    for (var layer = 0; layer < Layers - 1; layer++)
    {
        builder.Then(new Linear(fanIn, Width), weightInit: new NormalInit(0, Math.Sqrt(sigmaW2 / fanIn)), biasInit: biasInit);
        builder.Then(new Activation(kind));
        fanIn = Width;
    }
    builder.Then(new Linear(fanIn, 1), weightInit: new NormalInit(0, Math.Sqrt(sigmaW2 / fanIn)), biasInit: biasInit);
    var sgd = new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.01), null);
    return builder.Build(new TrainingSetup(sgd, new LossSpec(LossKind.Mse, LossReduction.Mean, null)));
}
