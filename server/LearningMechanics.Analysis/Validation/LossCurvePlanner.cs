using System.Collections.Immutable;
using LearningMechanics.Analysis.Editor;
using LearningMechanics.Model.Training;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis.Validation;

/// <summary>
/// The loss-curve part of a validation: a short full-batch run on the trainer's synthetic task, and the curve the
/// linearised (NTK) dynamics predict for it from the empirical NTK and residual at init (THEORY.md §7.1).
/// </summary>
public static class LossCurvePlanner
{
    public const int Samples = 64;

    public const int Steps = 100;

    /// <summary>The rate the run uses: the declared one, else half the predicted eta_crit, else 0.01.</summary>
    public static double Rate(ModelAnalysis model) =>
        model.Graph.Training.Optimizer?.LearningRate is { IsKnown: true } declared ? declared.Value
        : model.Summary.LearningRate?.MonotoneLimit is { } eta ? eta / 2
        : 0.01;

    public static ExperimentRequest Request(ModelAnalysis model) =>
        new(ExperimentKinds.LossCurve, Samples, Steps,
            ImmutableDictionary<string, double>.Empty.Add("samples", Samples).Add("lr", Rate(model)).Add("ntk-modes", 1));

    /// <summary>Why the closed form does not apply to this model's training, or null when it does.</summary>
    public static string? NotPredictedReason(ModelAnalysis model)
    {
        var optimizer = model.Graph.Training.Optimizer;
        var loss = model.Graph.Training.Loss;
        if (loss is not null && loss.Kind != LossKind.Mse)
            return $"{loss.Kind} loss: no closed form (THEORY.md §7.2)";
        if (optimizer is not null && optimizer.Kind != OptimizerKind.Sgd)
            return $"{optimizer.Name}: the preconditioner changes over time, so there is no fixed-kernel linear ODE (THEORY.md §7 failure modes)";
        if (optimizer is { Momentum: > 0 })
            return "SGD with momentum: the closed form is for plain gradient descent (THEORY.md §7.1)";
        return null;
    }

    public static ReportLossCurve? Read(ModelAnalysis model, ResultMessage result)
    {
        var experiment = result.Results.FirstOrDefault(r => r.Kind == ExperimentKinds.LossCurve);
        if (experiment?.Series is not { } series || !series.TryGetValue("loss", out var measured))
            return null;
        var rate = experiment.Scalars.GetValueOrDefault("lr", Rate(model));
        var reason = NotPredictedReason(model);
        ImmutableArray<double>? predicted = null;
        if (reason is null && series.TryGetValue("ntk-eigenvalues", out var lambda) && series.TryGetValue("residual-power", out var power) && lambda.Length == power.Length)
        {
            var outputs = Math.Max(1, OutputUnits(model));
            var m = lambda.Length * outputs;
            var convention = new LossConvention(LossKind.Mse, model.Graph.Training.Loss?.Reduction ?? LossReduction.Mean);
            if (convention.Reduction == LossReduction.Mean)
                predicted = [.. LinearizedDynamics.GradientDescent([.. lambda], [.. power], rate, m, convention, Enumerable.Range(0, measured.Length).ToArray())];
            else
                reason = "MSE with sum reduction: the curve is predicted for the mean reduction only";
        }
        else
        {
            reason ??= "the trainer did not return the NTK at init";
        }
        return new ReportLossCurve(rate, model.Graph.Training.Optimizer?.Name ?? "SGD", [.. measured.Where(double.IsFinite)],
            predicted is { } p ? [.. p.Select(v => double.IsFinite(v) ? v : double.MaxValue)] : null, reason, experiment.Note ?? "");
    }

    /// <summary>K, the output elements per sample: shapes are per sample ("[10]"); a leading unknown dimension is a batch dimension.</summary>
    public static int OutputUnits(ModelAnalysis model)
    {
        var dims = model.Shapes.OutputOf(model.Graph.Output).Dims;
        var perSample = dims.Length > 1 && dims[0] is null ? dims.Skip(1) : dims;
        return (int)perSample.Aggregate(1L, (a, d) => a * (d ?? 1));
    }
}
