using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// Forward and backward statistics at init (THEORY.md §2 "CPU check" and §4): per node q_hat = mean over units and
/// inputs of h^2, with the probe scalar S = sum(output * r), r ~ N(0, 1) fixed, giving per weight layer ||dS/dW||^2 and
/// per node mean((dS/dh)^2). Dropout is off unless "train" = 1; BatchNorm always uses batch statistics. "networks" = k averages
/// every number over k independently initialised networks (seeds Seed..Seed+k-1): the q-map is an expectation over the
/// weights, and one finite-width network deviates from it by about sqrt(2/width) per layer once inputs correlate.
/// </summary>
public sealed class ForwardStatsExperiment : IExperiment
{
    public string Kind => ExperimentKinds.ForwardStats;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var graph = context.Graph;
        var nNetworks = Math.Max(1, (int)request.Parameter("networks", 1));
        var trainMode = request.Parameter("train", 0) != 0;
        var gradients = request.Parameter("gradients", 1) != 0;
        var x = SyntheticData.Inputs(graph, request.BatchSize, context.Seed, stream: 1, context.Device);
        var sums = new Accumulator[graph.Nodes.Length];
        for (var networkIdx = 0; networkIdx < nNetworks; networkIdx++)
        {
            using var scope = torch.NewDisposeScope();
            context.Progress((double)networkIdx / nNetworks, nNetworks == 1 ? "forward and backward pass" : $"network {networkIdx + 1} of {nNetworks}");
            var network = (context with { Seed = context.Seed + networkIdx }).BuildNetwork();
            network.SetMeasurementMode(dropoutActive: trainMode);
            Measure(context, request, network, x, gradients, networkIdx, sums);
        }

        var layers = graph.Nodes.Select(n => sums[n.Id].Average(n, nNetworks)).ToImmutableArray();
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("batch", request.BatchSize)
            .Add("networks", nNetworks)
            .Add("input-second-moment", layers[0].SecondMoment)
            .Add("output-second-moment", layers[graph.Output].SecondMoment);
        return new ExperimentResult(Kind, layers, scalars,
            Note: $"Gaussian inputs, batch {request.BatchSize}, seed {context.Seed}, dropout {(trainMode ? "on" : "off")}, BatchNorm on batch statistics, " +
                  $"averaged over {nNetworks} independently initialised network(s); probe S = sum(output * r), r ~ N(0,1)",
            Verdicts: Verdicts.Judge(request.Predictions, layers, scalars));
    }

    private static void Measure(ExperimentContext context, ExperimentRequest request, Network.GraphNetwork network, Tensor x, bool gradients, int networkIdx, Accumulator[] sums)
    {
        var graph = context.Graph;
        Tensor[] outputs;
        using (var noGrad = gradients ? null : torch.no_grad())
        {
            outputs = network.ForwardAll(x);
        }
        if (gradients)
        {
            foreach (var output in outputs)
            {
                if (output.requires_grad && !output.is_leaf)
                    output.retain_grad();
            }
            var result = outputs[graph.Output];
            var probe = SyntheticData.Gaussian(result.shape, context.Seed, stream: 2 + networkIdx, context.Device);
            (result * probe).sum().backward();
        }
        var weights = network.WeightLayers().ToDictionary(l => l.Node.Id);
        foreach (var node in graph.Nodes)
        {
            var h = outputs[node.Id].detach();
            var sum = sums[node.Id] ??= new Accumulator();
            sum.SecondMoment += h.square().mean().item<float>();
            sum.Mean += h.mean().item<float>();
            if (gradients && outputs[node.Id].requires_grad && outputs[node.Id].grad is { } grad)
                sum.GradientSecondMoment = (sum.GradientSecondMoment ?? 0) + grad.square().mean().item<float>();
            if (!weights.TryGetValue(node.Id, out var layer))
                continue;
            if (layer.Weight.grad is { } weightGrad)
                sum.GradientNormSquared = (sum.GradientNormSquared ?? 0) + weightGrad.square().sum().item<float>();
            sum.WeightSigmaW2 = (sum.WeightSigmaW2 ?? 0) + layer.Weight.detach().square().mean().item<float>() * (double)node.Op.Fans!.Value.FanIn;
            if (layer.Bias is { } bias)
                sum.BiasSigmaB2 = (sum.BiasSigmaB2 ?? 0) + bias.detach().square().mean().item<float>();
        }
    }

    /// <summary>Sums over the ensemble of networks, one per node.</summary>
    private sealed class Accumulator
    {
        public double SecondMoment;
        public double Mean;
        public double? GradientNormSquared;
        public double? GradientSecondMoment;
        public double? WeightSigmaW2;
        public double? BiasSigmaB2;

        public LayerMeasurement Average(Model.Graph.Node node, int n) => new(
            node.Id,
            node.Name,
            SecondMoment / n,
            GradientNormSquared / n,
            node.Op.Kind,
            Mean / n,
            GradientSecondMoment / n,
            WeightSigmaW2 / n,
            BiasSigmaB2 / n);
    }
}
