using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// Edge of stability (THEORY.md §8.3): full-batch training with the sharpness measured along the way, raw for GD
/// (rises to 2/eta and hovers there), preconditioned for Adam (settles at (2 + 2 beta1)/((1 - beta1) eta), 38/eta at
/// beta1 = 0.9). See <see cref="ExperimentKinds.SharpnessTracking"/> for parameters and outputs.
/// </summary>
public sealed class SharpnessExperiment : IExperiment
{
    public string Kind => ExperimentKinds.SharpnessTracking;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 0 ? request.Steps : 1000;
        var every = Math.Max(1, (int)request.Parameter("every", Math.Max(1, steps / 40)));
        var powerIterations = Math.Max(2, (int)request.Parameter("power-iterations", 20));
        var config = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: 0.01);
        var task = context.Task(request.BatchSize);
        var network = context.BuildNetwork();
        network.SetMeasurementMode(dropoutActive: false);
        var parameters = network.ParametersOnOutputPath().ToArray();
        var optimizer = new Optimizer(parameters, config);
        Tensor[]? direction = null;
        var sharpness = ImmutableArray.CreateBuilder<double>();
        var measuredAt = ImmutableArray.CreateBuilder<double>();
        var losses = ImmutableArray.CreateBuilder<double>(steps + 1);
        var diverged = false;
        for (var stepIdx = 0; stepIdx <= steps; stepIdx++)
        {
            if (stepIdx % every == 0 || stepIdx == steps)
            {
                var lambda = TopEigenvalue(network, task, parameters, optimizer, ref direction, powerIterations, context.Seed + stepIdx);
                sharpness.Add(lambda);
                measuredAt.Add(stepIdx);
                context.Progress((double)stepIdx / steps, $"step {stepIdx}: sharpness {lambda:G4}, lr x sharpness {lambda * config.LearningRate:G4}");
            }
            using var scope = torch.NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = task.LossOf(network.call(task.Inputs));
            var value = loss.item<float>();
            losses.Add(value);
            if (!double.IsFinite(value))
            {
                diverged = true;
                break;
            }
            if (stepIdx == steps)
                break;
            loss.backward();
            optimizer.Step();
        }

        var values = sharpness.ToImmutable();
        var late = values.Skip(values.Length - Math.Max(1, values.Length / 4)).Select(s => s * config.LearningRate).Order().ToArray();
        var lateMedian = late.Length % 2 == 1 ? late[late.Length / 2] : (late[late.Length / 2 - 1] + late[late.Length / 2]) / 2;
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("sharpness-initial", values[0])
            .Add("sharpness-final", values[^1])
            .Add("eta-sharpness-late-median", lateMedian)
            .Add("lr", config.LearningRate)
            .Add("initial-loss", losses[0])
            .Add("final-loss", losses[^1])
            .Add("diverged", diverged ? 1 : 0)
            .Add("measurements", values.Length);
        var what = config.Kind == Model.Training.OptimizerKind.Sgd ? "lambda_max(H)" : "lambda_max(P^-1/2 H P^-1/2), P = sqrt(v_hat) + eps";
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; {config.Describe()}, full batch, {steps} steps; sharpness = {what} every {every} steps by {powerIterations} warm-started power iterations",
            Series: ImmutableDictionary<string, ImmutableArray<double>>.Empty
                .Add("sharpness", values).Add("step", measuredAt.ToImmutable()).Add("loss", losses.ToImmutable()),
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    /// <summary>Power iteration on H (or P^{-1/2} H P^{-1/2}) from the previous direction; the direction is kept for the next call.</summary>
    private static double TopEigenvalue(Network.GraphNetwork network, TrainingTask task, Tensor[] parameters, Optimizer optimizer, ref Tensor[]? direction, int iterations, int seed)
    {
        using var scope = torch.NewDisposeScope();
        var scale = optimizer.PreconditionerInverseSqrt();
        var loss = task.LossOf(network.call(task.Inputs));
        var gradients = torch.autograd.grad([loss], parameters, retain_graph: true, create_graph: true);
        var v = direction ?? parameters.Select((p, i) => SyntheticData.Gaussian(p.shape, seed, stream: 400 + i, p.device)).ToArray();
        v = Normalise(v);
        var lambda = double.NaN;
        for (var iterationIdx = 0; iterationIdx < iterations; iterationIdx++)
        {
            var u = scale is null ? v : v.Zip(scale).Select(pair => pair.First * pair.Second).ToArray();
            var dot = gradients.Zip(u).Select(pair => (pair.First * pair.Second).sum()).Aggregate((a, b) => a + b);
            var hv = torch.autograd.grad([dot], parameters, retain_graph: true).Select(t => t.detach()).ToArray();
            if (scale is not null)
                hv = hv.Zip(scale).Select(pair => pair.First * pair.Second).ToArray();
            var previous = lambda;
            lambda = v.Zip(hv).Sum(pair => (double)(pair.First * pair.Second).sum().item<float>());
            v = Normalise(hv);
            if (iterationIdx > 2 && Math.Abs(lambda - previous) <= 1e-4 * Math.Abs(lambda))
                break;
        }
        if (direction is not null)
        {
            foreach (var old in direction)
                old.Dispose();
        }
        direction = v.Select(t => t.detach().MoveToOuterDisposeScope()).ToArray();
        return lambda;
    }

    private static Tensor[] Normalise(Tensor[] vector)
    {
        using var noGrad = torch.no_grad();
        var norm = Math.Sqrt(vector.Sum(t => (double)t.square().sum().item<float>()));
        return vector.Select(t => (t / norm).detach()).ToArray();
    }
}
