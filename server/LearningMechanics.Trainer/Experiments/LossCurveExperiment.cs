using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// A logged training run on the synthetic task (THEORY.md §7): Series "loss" per step. Scalars "initial-loss",
/// "final-loss", "target-variance" (1 for regression: judge "trained" against it, THEORY.md §18), "diverged", "lr".
/// Parameters: "samples" (default BatchSize: full batch), "lr", "optimizer", "momentum" (see <see cref="OptimizerConfig.From"/>),
/// "ntk-modes" (1: also Series "ntk-eigenvalues" and "residual-power" of the network at init, see <see cref="NtkModes"/>; MSE only).
/// </summary>
public sealed class LossCurveExperiment : IExperiment
{
    public string Kind => ExperimentKinds.LossCurve;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 0 ? request.Steps : 100;
        var samples = (long)request.Parameter("samples", request.BatchSize);
        var optimizer = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: 0.01);
        var task = context.Task(samples);
        var network = context.BuildNetwork();
        var modes = request.Parameter("ntk-modes", 0) != 0 && task.Loss == Model.Training.LossKind.Mse ? NtkModes.Measure(network, task) : default;
        var progressEvery = Math.Max(1, steps / 20);
        var curve = TrainingLoop.Run(network, task, optimizer, steps, request.BatchSize, context.Seed,
            stepIdx => { if (stepIdx % progressEvery == 0) context.Progress((double)stepIdx / steps, $"step {stepIdx} of {steps}"); });
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("initial-loss", curve.Initial)
            .Add("final-loss", curve.Final)
            .Add("min-loss", curve.Losses.Min())
            .Add("target-variance", 1.0)
            .Add("diverged", curve.Diverged ? 1 : 0)
            .Add("steps-run", curve.StepsRun)
            .Add("lr", optimizer.LearningRate);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; {optimizer.Describe()}; batch {Math.Min(request.BatchSize, samples)} of {samples}",
            Series: modes.Lambda.IsDefault
                ? ImmutableDictionary<string, ImmutableArray<double>>.Empty.Add("loss", curve.Losses)
                : ImmutableDictionary<string, ImmutableArray<double>>.Empty.Add("loss", curve.Losses).Add("ntk-eigenvalues", modes.Lambda).Add("residual-power", modes.Power),
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }
}
