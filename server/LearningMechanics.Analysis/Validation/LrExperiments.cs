using System.Collections.Immutable;
using LearningMechanics.Model.Training;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis.Validation;

/// <summary>
/// The "Find learning-rate limit" and "Run LR range test" commands: their trainer jobs and how their results are read.
/// Both run on the trainer's synthetic task with <see cref="Samples"/> samples, the sample count the predicted eta_crit
/// assumes (LearningRateLimits.For's default), full batch, with the model's own optimizer.
/// </summary>
public static class LrExperiments
{
    public const int Samples = 64;

    /// <summary>Steps per probe run of the bisection (THEORY.md §8 CPU check uses 30; more resolves slow divergence).</summary>
    public const int ProbeSteps = 50;

    /// <summary>Halvings of the log bracket: a final relative width of 4^(1/2^5) ≈ 1.044.</summary>
    public const int Iterations = 5;

    public const int RangeSteps = 100;

    /// <summary>lr-threshold with the predicted limits as predictions: eta_crit against the largest monotone rate (±20%),
    /// the divergence median (2.5 eta_crit, ±50%) against the largest rate that does not diverge (THEORY.md §8.1, §8.2, §18;
    /// out of regime for deep ReLU nets, <see cref="LearningRateLimits.DivergenceEdgeRegime"/>); both carry the regime of the
    /// analysis's eta predictions (finite width, rich over the check window).</summary>
    public static TrainerJob LimitJob(ModelAnalysis model, string device, int seed = 0)
    {
        var lr = model.Summary.LearningRate;
        var eta = lr?.MonotoneLimit;
        var predictions = ImmutableArray.CreateBuilder<PredictedValue>();
        if (eta is { } etaCrit)
        {
            // The regimes the analysis stated (finite width, lazy over the check window; for the divergence edge also deep
            // ReLU-like nets): the eta-divergence prediction already carries all three.
            predictions.Add(new PredictedValue("lr-monotone", etaCrit, LazyWindow.Tolerance, 0, null, lr!.OutOfRegime is null, lr.OutOfRegime));
            predictions.Add(new PredictedValue("lr-threshold", LearningRateLimits.DivergenceMedianRatio * etaCrit, LearningRateLimits.DivergenceTolerance, 0, null, lr.DivergenceOutOfRegime is null, lr.DivergenceOutOfRegime));
        }
        var guess = eta ?? (lr?.Declared is { IsKnown: true } declared ? declared.Value : 0.01);
        var parameters = ImmutableDictionary<string, double>.Empty.Add("lr-guess", guess).Add("iterations", Iterations);
        var experiment = new ExperimentRequest(ExperimentKinds.LrThreshold, Samples, ProbeSteps, parameters, predictions.ToImmutable());
        return new TrainerJob($"{model.Graph.Name}-lr-{Guid.NewGuid():N}", model.Graph, [experiment], seed, device);
    }

    /// <summary>An exponential sweep over five decades around the predicted limit (1e-6..10 without one).</summary>
    public static TrainerJob RangeJob(ModelAnalysis model, string device, int seed = 0)
    {
        var eta = model.Summary.LearningRate?.MonotoneLimit;
        var (low, high) = eta is { } e ? (e / 1000, e * 100) : (1e-6, 10.0);
        var parameters = ImmutableDictionary<string, double>.Empty.Add("lr-min", low).Add("lr-max", high);
        var experiment = new ExperimentRequest(ExperimentKinds.LrRangeTest, Samples, RangeSteps, parameters);
        return new TrainerJob($"{model.Graph.Name}-range-{Guid.NewGuid():N}", model.Graph, [experiment], seed, device);
    }

    public static LrLimitResult JudgeLimit(ModelAnalysis model, string contentHash, ResultMessage result)
    {
        var experiment = result.Results.FirstOrDefault(r => r.Kind == ExperimentKinds.LrThreshold);
        var scalars = experiment?.Scalars ?? ImmutableDictionary<string, double>.Empty;
        var monotone = Finite(scalars.GetValueOrDefault("lr-monotone", double.NaN));
        var threshold = Finite(scalars.GetValueOrDefault("lr-threshold", double.NaN));
        var predicted = model.Summary.LearningRate?.MonotoneLimit;
        var verdicts = experiment is null || experiment.Verdicts.IsDefault ? [] : experiment.Verdicts;
        var monotoneVerdict = verdicts.FirstOrDefault(v => v.Prediction.Quantity == "lr-monotone");
        string outcome;
        string headline;
        if (monotone is null && threshold is null)
            (outcome, headline) = ("failed", "no rate limit found in the searched range");
        else if (monotoneVerdict is null)
            (outcome, headline) = ("measured", $"measured limit {Format.Number(monotone ?? threshold!.Value)} (no prediction: {model.Summary.LearningRate?.NotPredictedReason ?? "no optimizer found"})");
        else
        {
            outcome = monotoneVerdict.Outcome switch
            {
                VerdictOutcome.Confirmed => "confirmed",
                VerdictOutcome.Refuted => "refuted",
                _ => "not scored",
            };
            headline = $"η_crit {outcome}: measured {Format.Number(monotone ?? double.NaN)} vs predicted {Format.Number(predicted ?? double.NaN)} (±20%)";
            if (monotoneVerdict.Outcome == VerdictOutcome.OutOfRegime && model.Summary.LearningRate?.OutOfRegime is { } outside)
                headline += $" — out of regime: {outside.Split(':')[0]}";
        }
        return new LrLimitResult(model.Graph.Name, contentHash, monotone, threshold, predicted,
            predicted is { } p ? LearningRateLimits.DivergenceMedianRatio * p : null, outcome, headline,
            experiment?.Note ?? "", result.Device, result.ElapsedSeconds);
    }

    public static LrLimitResult FailedLimit(ModelAnalysis model, string contentHash, string reason)
    {
        var predicted = model.Summary.LearningRate?.MonotoneLimit;
        return new LrLimitResult(model.Graph.Name, contentHash, null, null, predicted,
            predicted is { } p ? LearningRateLimits.DivergenceMedianRatio * p : null, "failed", $"did not complete: {reason}", reason, "none", 0);
    }

    public static LrRangeResult ReadRange(ModelAnalysis model, string contentHash, ResultMessage result)
    {
        var experiment = result.Results.FirstOrDefault(r => r.Kind == ExperimentKinds.LrRangeTest);
        var scalars = experiment?.Scalars ?? ImmutableDictionary<string, double>.Empty;
        var series = experiment?.Series;
        var rates = series is not null && series.TryGetValue("lr", out var r) ? r : [];
        var losses = series is not null && series.TryGetValue("loss", out var l) ? l : [];
        // JSON has no NaN or infinity: a non-finite loss (the divergent last step) is sent as null.
        var suggested = Finite(scalars.GetValueOrDefault("suggested-lr", double.NaN));
        var predicted = model.Summary.LearningRate?.MonotoneLimit;
        var headline = suggested is { } s
            ? $"suggested rate {Format.Number(s)}" + (predicted is { } p ? $" ({Format.Number(s / p)} × predicted η_crit {Format.Number(p)})" : "")
            : "no suggestion: the loss did not decrease over the sweep";
        return new LrRangeResult(model.Graph.Name, contentHash, [.. rates.Take(losses.Length)], [.. losses.Select(Finite)], suggested,
            Finite(scalars.GetValueOrDefault("min-loss-lr", double.NaN)), Finite(scalars.GetValueOrDefault("divergence-lr", double.NaN)),
            predicted, predicted is { } q ? LearningRateLimits.DivergenceMedianRatio * q : null, headline, experiment?.Note ?? "", result.Device, result.ElapsedSeconds);
    }

    public static LrRangeResult FailedRange(ModelAnalysis model, string contentHash, string reason) =>
        new(model.Graph.Name, contentHash, [], [], null, null, null, model.Summary.LearningRate?.MonotoneLimit, null, $"did not complete: {reason}", reason, "none", 0);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>
/// A measured learning-rate limit: the largest rate with a monotone loss (<see cref="MeasuredMonotone"/>, set against the
/// predicted eta_crit) and the largest that does not diverge (<see cref="MeasuredThreshold"/>, against 2.5 eta_crit).
/// <see cref="Outcome"/> is "confirmed", "refuted", "not scored", "measured" (no prediction) or "failed".
/// </summary>
public sealed record LrLimitResult(
    string ModelName,
    string ContentHash,
    double? MeasuredMonotone,
    double? MeasuredThreshold,
    double? PredictedEtaCrit,
    double? PredictedDivergence,
    string Outcome,
    string Headline,
    string Note,
    string Device,
    double ElapsedSeconds);

/// <summary>An LR range test: loss per rate of the exponential sweep (null where non-finite) and the suggested rate.</summary>
public sealed record LrRangeResult(
    string ModelName,
    string ContentHash,
    ImmutableArray<double> Rates,
    ImmutableArray<double?> Losses,
    double? SuggestedRate,
    double? MinLossRate,
    double? DivergenceRate,
    double? PredictedEtaCrit,
    double? PredictedDivergence,
    string Headline,
    string Note,
    string Device,
    double ElapsedSeconds);
