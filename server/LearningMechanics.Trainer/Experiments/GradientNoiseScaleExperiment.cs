using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using TorchSharp;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>The two-batch gradient-noise-scale estimator of <see cref="ExperimentKinds.GradientNoiseScale"/> (McCandlish et al. 2018; THEORY.md §11).</summary>
public sealed class GradientNoiseScaleExperiment : IExperiment
{
    public string Kind => ExperimentKinds.GradientNoiseScale;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var samples = (long)request.Parameter("samples", 4096);
        var bSmall = (long)request.Parameter("b-small", 8);
        var bBig = (long)Math.Min(request.BatchSize, samples);
        var repeats = Math.Max(1, (int)request.Parameter("repeats", 16));
        if (bSmall < 1 || bSmall >= bBig)
            throw new ArgumentException($"b-small ({bSmall}) must be at least 1 and below the big batch ({bBig})");
        var task = context.Task(samples);
        var network = context.BuildNetwork();
        network.SetMeasurementMode(dropoutActive: false);
        var parameters = network.ParametersOnOutputPath().ToArray();
        torch.manual_seed(context.Seed + 11);

        double MeanSquaredGradient(long batch)
        {
            var total = 0.0;
            for (var repeatIdx = 0; repeatIdx < repeats; repeatIdx++)
            {
                using var scope = torch.NewDisposeScope();
                var idx = torch.randperm(samples).narrow(0, 0, batch).to(task.Inputs.device);
                var loss = task.LossOf(network.call(task.Inputs.index_select(0, idx)), task.Targets.index_select(0, idx));
                var grads = torch.autograd.grad([loss], parameters);
                total += grads.Sum(g => (double)g.square().sum().item<float>());
            }
            return total / repeats;
        }

        var small = MeanSquaredGradient(bSmall);
        context.Progress(0.5, $"|G_{bSmall}|^2 = {small:G4}");
        var big = MeanSquaredGradient(bBig);
        var gSquared = (bBig * big - bSmall * small) / (bBig - bSmall);
        var traceSigma = (small - big) / (1.0 / bSmall - 1.0 / bBig);
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("g-small-squared", small)
            .Add("g-big-squared", big)
            .Add("g-squared", gSquared)
            .Add("trace-sigma", traceSigma)
            .Add("b-simple", traceSigma / gSquared)
            .Add("b-small", bSmall)
            .Add("b-big", bBig);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; two-batch estimator at init, batches {bSmall} and {bBig}, {repeats} of each, E|G_B|^2 = |G|^2 + tr(Sigma)/B",
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }
}
