using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Training;

/// <summary>Trains a network on a synthetic task, full batch or in seeded mini-batches, recording the loss at every step.</summary>
public static class TrainingLoop
{
    public const double DivergenceFactor = 1e4;

    /// <summary>
    /// Runs <paramref name="steps"/> optimizer steps. Full batch when <paramref name="batchSize"/> is at least the task's
    /// sample count; otherwise each step takes the next slice of a seeded permutation. Stops early on divergence.
    /// </summary>
    public static TrainingCurve Run(GraphNetwork network, TrainingTask task, OptimizerConfig config, int steps, long batchSize, int seed, Action<int>? onStep = null)
    {
        network.train(true);
        var parameters = network.parameters().Where(p => p.requires_grad).ToArray();
        var optimizer = new Optimizer(parameters, config);
        var fullBatch = batchSize >= task.Samples;
        torch.manual_seed(seed + 7);
        var order = fullBatch ? null : torch.randperm(task.Samples).to(task.Inputs.device);
        var losses = ImmutableArray.CreateBuilder<double>(steps + 1);
        double? ceiling = null;
        for (var stepIdx = 0; stepIdx <= steps; stepIdx++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = fullBatch ? (task.Inputs, task.Targets) : Slice(task, order!, stepIdx, batchSize);
            optimizer.ZeroGrad();
            var loss = task.LossOf(network.call(x), y);
            var value = loss.item<float>();
            losses.Add(value);
            ceiling ??= DivergenceFactor * Math.Max(value, 1.0);
            if (!double.IsFinite(value) || value > ceiling)
                return new TrainingCurve(losses.ToImmutable(), Diverged: true, stepIdx);
            if (stepIdx == steps)
                break;
            loss.backward();
            optimizer.Step();
            onStep?.Invoke(stepIdx);
        }
        return new TrainingCurve(losses.ToImmutable(), Diverged: false, steps);
    }

    private static (Tensor X, Tensor Y) Slice(TrainingTask task, Tensor order, int stepIdx, long batchSize)
    {
        var nBatches = task.Samples / batchSize;
        var start = stepIdx % nBatches * batchSize;
        var idx = order.narrow(0, start, batchSize);
        return (task.Inputs.index_select(0, idx), task.Targets.index_select(0, idx));
    }
}
