using System.Collections.Immutable;
using System.Diagnostics;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Experiments;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

// Issue 6 benchmark, both sides measured in this one process (the step times in lockstep, see Lockstep), medians:
//  (1) the trainer's training loop (GraphNetwork built from the model graph + TrainingLoop + its Optimizer) against a
//      hand-written TorchSharp loop (nn.Sequential, torch.optim.SGD, mse_loss) on the same network shape and data; goal <= 1.05.
//  (2) the predicted LR limit (TheoryEngine + LearningRateLimits, no training) against a 100-step LR range test; goal <= 0.01.
var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
const int steps = 300;
const int width = 256;
const int inputDim = 64;
const long batch = 128;
// One thread by default: on a shared machine extra threads mostly measure contention. An argument "threads=N" overrides.
var threadArg = args.FirstOrDefault(a => a.StartsWith("threads=", StringComparison.Ordinal));
torch.set_num_threads(threadArg is null ? 1 : int.Parse(threadArg[8..], System.Globalization.CultureInfo.InvariantCulture));

var builder = new GraphBuilder("bench-mlp", ModelOrigin.Synthetic, TensorShape.Of(inputDim));
builder.Then(new Linear(inputDim, width), weightInit: new KaimingInit(false, Nonlinearity: "relu"));
builder.Then(new Activation(ActivationKind.ReLU));
builder.Then(new Linear(width, width), weightInit: new KaimingInit(false, Nonlinearity: "relu"));
builder.Then(new Activation(ActivationKind.ReLU));
builder.Then(new Linear(width, 1));
var graph = builder.Build(new TrainingSetup(new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.01), null), new LossSpec(LossKind.Mse, LossReduction.Mean, null)));
var task = TrainingTask.Create(graph, batch, seed: 1, CPU);
var config = new OptimizerConfig(OptimizerKind.Sgd, 0.01);

double TrainerLoop()
{
    using var scope = torch.NewDisposeScope();
    torch.manual_seed(1);
    var network = NetworkBuilder.Build(graph);
    var watch = Stopwatch.StartNew();
    var curve = TrainingLoop.Run(network, task, config, steps, batch, seed: 1);
    var seconds = watch.Elapsed.TotalSeconds;
    if (curve.Diverged)
        throw new InvalidOperationException("trainer loop diverged");
    return seconds / steps;
}

double HandWritten()
{
    using var scope = torch.NewDisposeScope();
    torch.manual_seed(1);
    var model = nn.Sequential(nn.Linear(inputDim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1));
    using (torch.no_grad())
    {
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("weight", StringComparison.Ordinal) && p.shape[0] == width)
                nn.init.kaiming_normal_(p, nonlinearity: nn.init.NonlinearityType.ReLU);
        }
    }
    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
    var watch = Stopwatch.StartNew();
    for (var stepIdx = 0; stepIdx <= steps; stepIdx++)
    {
        using var stepScope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.mse_loss(model.call(task.Inputs), task.Targets);
        _ = loss.item<float>(); // the trainer logs every loss; so does this loop
        if (stepIdx == steps)
            break;
        loss.backward();
        optimizer.step();
    }
    return watch.Elapsed.TotalSeconds / steps;
}

double GraphNetworkTorchOptim()
{
    using var scope = torch.NewDisposeScope();
    torch.manual_seed(1);
    var model = NetworkBuilder.Build(graph);
    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
    var watch = Stopwatch.StartNew();
    for (var stepIdx = 0; stepIdx <= steps; stepIdx++)
    {
        using var stepScope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.mse_loss(model.call(task.Inputs), task.Targets);
        _ = loss.item<float>();
        if (stepIdx == steps)
            break;
        loss.backward();
        optimizer.step();
    }
    return watch.Elapsed.TotalSeconds / steps;
}

if (args.Length > 1 && args[1] == "isolate")
{
    TrainerLoop(); HandWritten(); GraphNetworkTorchOptim();
    for (var i = 0; i < 3; i++)
        Console.WriteLine($"trainer {TrainerLoop() * 1e3:F2} ms, hand {HandWritten() * 1e3:F2} ms, graph+torch.optim {GraphNetworkTorchOptim() * 1e3:F2} ms");
    return 0;
}

var analyzeShare = new List<double>();
double PredictedLimit()
{
    var watch = Stopwatch.StartNew();
    var theory = TheoryEngine.Analyze(graph);
    var analyzed = watch.Elapsed.TotalSeconds;
    var report = LearningRateLimits.For(graph, theory);
    if (report.EtaCrit is null)
        throw new InvalidOperationException($"no eta_crit: {report.Reason}");
    var total = watch.Elapsed.TotalSeconds;
    analyzeShare.Add(analyzed / total);
    return total;
}

double RangeTest()
{
    using var scope = torch.NewDisposeScope();
    var context = new ExperimentContext(graph, CPU, 1, (_, _) => { });
    var watch = Stopwatch.StartNew();
    new LrRangeTestExperiment().Run(context, new ExperimentRequest(ExperimentKinds.LrRangeTest, BatchSize: 64, Steps: 100));
    return watch.Elapsed.TotalSeconds;
}

// Lockstep: the trainer's own loop runs, and after each of its steps one step of the hand-written loop is timed inside
// the trainer's step callback. The trainer's step time is the time between callbacks minus that hand-written step, so both
// sides of every pair ran within milliseconds of each other and load changes on the shared machine hit both alike.
(List<double> Trainer, List<double> Hand) Lockstep()
{
    using var scope = torch.NewDisposeScope();
    torch.manual_seed(1);
    var model = nn.Sequential(nn.Linear(inputDim, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1));
    var handOptimizer = torch.optim.SGD(model.parameters(), 0.01);
    torch.manual_seed(1);
    var network = NetworkBuilder.Build(graph);
    var trainerTimes = new List<double>();
    var handTimes = new List<double>();
    var clock = Stopwatch.StartNew();
    var last = 0.0;
    TrainingLoop.Run(network, task, config, steps, batch, seed: 1, onStep: stepIdx =>
    {
        var handStart = clock.Elapsed.TotalSeconds;
        trainerTimes.Add(handStart - last);
        using (var stepScope = torch.NewDisposeScope())
        {
            handOptimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(task.Inputs), task.Targets);
            _ = loss.item<float>();
            loss.backward();
            handOptimizer.step();
        }
        last = clock.Elapsed.TotalSeconds;
        handTimes.Add(last - handStart);
    });
    // The first interval holds the trainer's set-up before its first step: dropped with its pair.
    return (trainerTimes.Skip(1).ToList(), handTimes.Skip(1).ToList());
}

// Warm-up: libtorch kernels, JIT, theory tables.
TrainerLoop(); HandWritten(); RangeTest(); Lockstep();
for (var warm = 0; warm < 50; warm++)
    PredictedLimit();
var trainer = new List<double>();
var hand = new List<double>();
var pairRatios = new List<double>();
var predicted = new List<double>();
var range = new List<double>();
for (var roundIdx = 0; roundIdx < rounds; roundIdx++)
{
    var (t, h) = Lockstep();
    trainer.AddRange(t);
    hand.AddRange(h);
    pairRatios.AddRange(t.Zip(h, (a, b) => a / b));
    // The editor computes the limit on every analysis, so it is timed warm: the median of 21 calls per round.
    predicted.Add(Median(Enumerable.Range(0, 21).Select(_ => PredictedLimit()).ToList()));
    range.Add(RangeTest());
}
// Ratio of the median step times, per round and over all steps: per-step ratios are dominated by scheduler noise
// (a 2 ms step against time slices of the same order), medians of each side are not.
var roundRatios = Enumerable.Range(0, rounds).Select(r => Median(trainer.Skip(r * (steps - 1)).Take(steps - 1).ToList()) / Median(hand.Skip(r * (steps - 1)).Take(steps - 1).ToList())).ToList();
var stepRatio = Median(trainer) / Median(hand);
var lrRatio = Median(predicted) / Median(range);
Console.WriteLine($"network {inputDim}-{width}-{width}-1 ReLU, batch {batch}, full-batch SGD, {steps} steps x {rounds} rounds in lockstep, {torch.get_num_threads()} thread(s)");
Console.WriteLine($"trainer step {Median(trainer) * 1e3:F3} ms, hand-written step {Median(hand) * 1e3:F3} ms (medians of {trainer.Count} lockstep pairs): ratio {stepRatio:F3} (goal <= 1.05); " +
                  $"per round {string.Join(", ", roundRatios.Select(r => r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; median per-step ratio {Median(pairRatios):F3}");
Console.WriteLine($"predicted LR limit {Median(predicted) * 1e3:F2} ms, 100-step LR range test {Median(range) * 1e3:F1} ms: ratio {lrRatio:F4} (goal <= 0.01); TheoryEngine.Analyze is {Median(analyzeShare):P0} of the prediction");
return 0;

static double Median(List<double> xs) { var s = xs.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
