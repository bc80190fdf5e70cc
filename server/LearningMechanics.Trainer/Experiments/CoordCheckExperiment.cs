using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// The coord check of muP (Yang et al. 2022; THEORY.md §9.1): the same architecture at "points" widths, multipliers
/// geometric from "min-multiplier" to "max-multiplier" of the declared width (<see cref="GraphWidths.Scale"/>), each
/// seeded alike, trained Steps (default 3) full-batch steps on BatchSize samples with the declared optimizer (or "lr",
/// "optimizer"). Measured on the training inputs: mean |Δh| of the 2nd hidden pre-activation (the output of the second
/// weight layer, the first width-to-width map, as in recipe A10), mean |Δf| of the output, and mean |h| at init. Deeper
/// layers are not the probe: under SP their updates compound over the layers below (measured slopes grow towards 2 at
/// five weight layers with Adam), which is not what the coord-check slope of §9.1 describes.
/// Series "width", "delta-h", "delta-output", "h-init". Scalars "coord-slope", "coord-slope-output", "coord-slope-init":
/// least-squares slopes of the logs against log width.
/// </summary>
public sealed class CoordCheckExperiment : IExperiment
{
    public string Kind => ExperimentKinds.CoordCheck;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 0 ? request.Steps : 3;
        var points = Math.Max(2, (int)request.Parameter("points", 4));
        var minMultiplier = request.Parameter("min-multiplier", 0.25);
        var maxMultiplier = request.Parameter("max-multiplier", 4);
        var optimizer = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: 1e-2);
        var task = context.Task(request.BatchSize);
        var widths = ImmutableArray.CreateBuilder<double>();
        var deltaH = ImmutableArray.CreateBuilder<double>();
        var deltaOutput = ImmutableArray.CreateBuilder<double>();
        var hInit = ImmutableArray.CreateBuilder<double>();
        for (var pointIdx = 0; pointIdx < points; pointIdx++)
        {
            var multiplier = minMultiplier * Math.Pow(maxMultiplier / minMultiplier, (double)pointIdx / (points - 1));
            var (graph, error) = GraphWidths.Scale(context.Graph, multiplier);
            if (graph is null)
                throw new ArgumentException($"coord check: {error}");
            var problems = NetworkBuilder.Check(graph);
            if (!problems.IsEmpty)
                throw new ArgumentException($"coord check at width x{multiplier:G3}: {string.Join("; ", problems)}");
            context.Progress((double)pointIdx / points, $"width x{multiplier:G3}");
            using var scope = torch.NewDisposeScope();
            var network = (context with { Graph = graph }).BuildNetwork();
            var weightNodes = graph.WeightNodes.Select(n => n.Id).ToArray();
            if (weightNodes.Length < 3)
                throw new ArgumentException("coord check: needs two hidden layers (three weight layers); the probe is the 2nd hidden pre-activation");
            var probe = weightNodes[1];
            var (h0, f0) = Probe(network, task.Inputs, probe, graph.Output);
            TrainingLoop.Run(network, task, optimizer, steps, task.Samples, context.Seed);
            var (h1, f1) = Probe(network, task.Inputs, probe, graph.Output);
            widths.Add(graph[probe].Op.Fans!.Value.FanOut / KernelElements(graph, probe));
            deltaH.Add((h1 - h0).abs().mean().item<float>());
            deltaOutput.Add((f1 - f0).abs().mean().item<float>());
            hInit.Add(h0.abs().mean().item<float>());
        }
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("coord-slope", LogLogSlope(widths, deltaH))
            .Add("coord-slope-output", LogLogSlope(widths, deltaOutput))
            .Add("coord-slope-init", LogLogSlope(widths, hInit))
            .Add("steps", steps)
            .Add("lr", optimizer.LearningRate);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"coord check over hidden widths {string.Join(", ", widths)} ({steps} full-batch steps of {optimizer.Describe()} on {task.Description}; init as declared at every width)",
            Series: ImmutableDictionary<string, ImmutableArray<double>>.Empty
                .Add("width", widths.ToImmutable()).Add("delta-h", deltaH.ToImmutable())
                .Add("delta-output", deltaOutput.ToImmutable()).Add("h-init", hInit.ToImmutable()),
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    private static (Tensor Hidden, Tensor Output) Probe(GraphNetwork network, Tensor x, int probe, int output)
    {
        using var noGrad = torch.no_grad();
        network.SetMeasurementMode(dropoutActive: false);
        var values = network.ForwardAll(x);
        network.train(true);
        return (values[probe].detach().clone(), values[output].detach().clone());
    }

    private static long KernelElements(ModelGraph graph, int node) =>
        graph[node].Op is Model.Ops.Conv conv ? conv.KernelSize.Aggregate(1L, (a, k) => a * k) : 1;

    /// <summary>Least-squares slope of ln y against ln x.</summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(Math.Max(v, 1e-300))).ToArray();
        var mx = lx.Average();
        var my = ly.Average();
        var sxy = lx.Zip(ly).Sum(p => (p.First - mx) * (p.Second - my));
        var sxx = lx.Sum(v => (v - mx) * (v - mx));
        return sxx > 0 ? sxy / sxx : double.NaN;
    }
}
