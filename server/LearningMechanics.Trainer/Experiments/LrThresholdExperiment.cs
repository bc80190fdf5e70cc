using System.Collections.Immutable;
using LearningMechanics.Model.Training;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// Learning-rate thresholds by bisection on short full-batch runs from one init (THEORY.md §8, §18): the largest rate
/// whose run stays monotone ("lr-monotone", the 2/lambda_max prediction) and the largest that does not diverge
/// ("lr-threshold", usually about 2-2.5x larger, with catapults in between). Each probe run is Steps (default 100)
/// steps on BatchSize samples. The search brackets by doubling from "lr-guess" (default 0.01, or send the prediction),
/// then bisects on a log scale for "iterations" (default 8) halvings of the bracket, a final relative width of
/// 4^(1/2^8). Scalars also include "catapult" (1 when a recovered spike was seen between the two), "probe-runs".
/// The optimizer is the model's (or SGD), at the probed rates.
/// </summary>
public sealed class LrThresholdExperiment : IExperiment
{
    public string Kind => ExperimentKinds.LrThreshold;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 0 ? request.Steps : 100;
        var iterations = (int)request.Parameter("iterations", 8);
        var guess = request.Parameter("lr-guess", 0.01);
        var lrLow = request.Parameter("lr-low", 1e-6);
        var lrHigh = request.Parameter("lr-high", 1e4);
        var baseConfig = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: guess);
        var task = context.Task(request.BatchSize);
        var probeRuns = 0;
        var catapultSeen = false;
        var expectedRuns = 2 * (iterations + 8);

        var probed = new Dictionary<double, TrainingCurve>();
        TrainingCurve Probe(double lr)
        {
            if (probed.TryGetValue(lr, out var known))
                return known;
            using var scope = torch.NewDisposeScope();
            probeRuns++;
            context.Progress(Math.Min(0.99, (double)probeRuns / expectedRuns), $"probe {probeRuns}: lr {lr:G4}");
            var curve = TrainingLoop.Run(context.BuildNetwork(), task, baseConfig with { LearningRate = lr }, steps, request.BatchSize, context.Seed);
            catapultSeen |= curve.IsCatapult;
            probed[lr] = curve;
            return curve;
        }

        var threshold = Search(Probe, c => !c.Diverged, guess, lrLow, lrHigh, iterations, probed);
        var monotone = Search(Probe, c => c.IsMonotone(), Math.Min(guess, threshold.Good ?? guess), lrLow, threshold.Bad ?? lrHigh, iterations, probed);
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("lr-threshold", threshold.Good ?? double.NaN)
            .Add("lr-threshold-upper", threshold.Bad ?? double.PositiveInfinity)
            .Add("lr-monotone", monotone.Good ?? double.NaN)
            .Add("lr-monotone-upper", monotone.Bad ?? double.PositiveInfinity)
            .Add("catapult", catapultSeen ? 1 : 0)
            .Add("probe-runs", probeRuns)
            .Add("steps", steps);
        var optimizerNote = baseConfig.Kind == OptimizerKind.Sgd ? "full-batch GD" + (baseConfig.Momentum != 0 ? $" with momentum {baseConfig.Momentum:G3}" : "") : $"{baseConfig.Kind}";
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; {optimizerNote}, {steps} steps per probe; diverged = loss non-finite or above {TrainingLoop.DivergenceFactor:G2} x max(initial, 1); " +
                  $"monotone = no step raised the loss",
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    /// <summary>
    /// The largest rate that passes (Good) and the smallest that fails (Bad), bracketed then bisected in log space. Runs
    /// already made (the divergence search's, for the monotone search) seed the bracket: a run that diverged is not
    /// monotone and a monotone run did not diverge, so the monotone search starts from the tightest bracket they give.
    /// </summary>
    private static (double? Good, double? Bad) Search(Func<double, TrainingCurve> probe, Func<TrainingCurve, bool> passes, double start, double lrLow, double lrHigh, int iterations,
        IReadOnlyDictionary<double, TrainingCurve> known)
    {
        var knownGood = known.Where(p => passes(p.Value)).Select(p => (double?)p.Key).Max();
        var knownBad = known.Where(p => !passes(p.Value)).Select(p => (double?)p.Key).Min();
        if (knownGood is double g && knownBad is double b && g < b)
            return Bisect(probe, passes, g, b, iterations);
        double? good = null, bad = null;
        var lr = Math.Clamp(start, lrLow, lrHigh);
        if (passes(probe(lr)))
        {
            good = lr;
            while (bad is null && lr < lrHigh)
            {
                lr = Math.Min(lr * 4, lrHigh);
                if (passes(probe(lr)))
                    good = lr;
                else
                    bad = lr;
            }
        }
        else
        {
            bad = lr;
            while (good is null && lr > lrLow)
            {
                lr = Math.Max(lr / 4, lrLow);
                if (passes(probe(lr)))
                    good = lr;
                else
                    bad = lr;
            }
        }
        if (good is null || bad is null)
            return (good, bad);
        return Bisect(probe, passes, good.Value, bad.Value, iterations);
    }

    private static (double? Good, double? Bad) Bisect(Func<double, TrainingCurve> probe, Func<TrainingCurve, bool> passes, double good, double bad, int iterations)
    {
        for (var iterationIdx = 0; iterationIdx < iterations; iterationIdx++)
        {
            var mid = Math.Sqrt(good * bad);
            if (passes(probe(mid)))
                good = mid;
            else
                bad = mid;
        }
        return (good, bad);
    }
}
