using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Cli.Grid;

/// <summary>Predicted trainability of a configuration (THEORY.md §3 band scoring).</summary>
public enum TrainabilityClass
{
    Trainable,
    Untrainable,

    /// <summary>2 xi &lt;= L &lt;= 12 xi, or the rate lies outside the band where the depth rule is tested: not scored.</summary>
    Unscored,

    /// <summary>The rule's assumptions fail (finite width, residuals, normalisation, adaptive optimizer).</summary>
    OutOfRegime,
}

/// <summary>
/// The trainability call of one run. Trained means: no divergence, and the final loss below half the initial loss and
/// below half the target variance (THEORY.md §3 "CPU check" and §18: an exploding net's loss can halve and stay huge).
/// </summary>
public sealed record TrainabilityCall(TrainabilityClass Predicted, bool? Trained, double? InitialLoss, double? FinalLoss, string Reason)
{
    public bool IsScored => Predicted is TrainabilityClass.Trainable or TrainabilityClass.Untrainable && Trained is not null;

    public bool IsCorrect => IsScored && (Predicted == TrainabilityClass.Trainable) == Trained;
}

/// <summary>Everything measured and judged for one configuration.</summary>
public sealed record ConfigurationResult(
    GridConfiguration Config,
    double? Rate,
    double? EtaCrit,
    ImmutableArray<Verdict> Forward,
    ImmutableArray<Verdict> LrLimits,
    TrainabilityCall? Trainability,
    Verdict? RateStability,
    string? Error,
    double Seconds = 0,
    double TrainerSeconds = 0,
    double PredictionSeconds = 0,
    Verdict? Coord = null)
{
    public static ConfigurationResult Failed(GridConfiguration config, string error) => new(config, null, null, [], [], null, null, error);

    public string Summary()
    {
        if (Error is not null)
            return $"failed: {Error}";
        var forward = Forward.Count(v => v.Outcome == VerdictOutcome.Confirmed) + "/" + Forward.Count(v => v.Outcome is VerdictOutcome.Confirmed or VerdictOutcome.Refuted) + " q";
        var lr = string.Join(", ", LrLimits.Select(v => $"{v.Prediction.Quantity} {v.Outcome} ({v.Measured:G3} vs {v.Prediction.Value:G3})"));
        var coord = Coord is { } c ? $"coord slope {c.Outcome} ({c.Measured:G3} vs {c.Prediction.Value:G3})" : "";
        var train = Trainability is { } t ? $"trainability {t.Predicted}/{(t.Trained is { } b ? b ? "trained" : "not trained" : "?")}" : "";
        return string.Join("; ", new[] { forward, lr, coord, train }.Where(s => s.Length > 0));
    }
}

/// <summary>
/// Scoring rules. Trainability (THEORY.md §3, §18): xi = TrainableDepth/6 (xi_c, or for ReLU-like phi the smaller of xi_c and
/// the length depth scale); expect trainable at L &lt; 2 xi, untrainable at L &gt; 12 xi, nothing in between; only at rates
/// in [0.25, 1] x eta_crit (below the monotone limit, where a depth failure is not a learning-rate failure; for momentum
/// [0.25, 0.8], below the divergence band, see <see cref="StableMultiple"/>), and never
/// for Adam (adaptive updates rescue ordered nets, so the band is wider: §3 failure modes). Rate stability (§8.2, §18):
/// below eta_crit (momentum: 0.8 x eta_crit) a run must not diverge; above 1.5 x the divergence median (3.75 eta_crit) it must; in between catapults
/// are expected and nothing is scored.
/// </summary>
public static class GridScoring
{
    public const double TrainedFraction = 0.5;
    public const double LowestScoredMultiple = 0.25;
    public const double DivergenceScoredMultiple = 1.5;

    public static ConfigurationResult Score(GridConfiguration config, GridPredictions predictions, double rate, IReadOnlyDictionary<string, ExperimentResult> byKind)
    {
        var forward = byKind.TryGetValue(ExperimentKinds.ForwardStats, out var stats) && !stats.Verdicts.IsDefault ? ExplodeVanishSlopes(NarrowLayersOutOfRegime(stats.Verdicts, predictions.Network)) : [];
        var lr = byKind.TryGetValue(ExperimentKinds.LrThreshold, out var threshold) && !threshold.Verdicts.IsDefault ? threshold.Verdicts : [];
        var etaCrit = predictions.Lr?.EtaCrit?.Value;
        byKind.TryGetValue(ExperimentKinds.LossCurve, out var curve);
        var trainability = curve is null ? null : Trainability(config, predictions, rate, etaCrit, curve);
        var stability = curve is null ? null : RateStability(config, predictions, rate, etaCrit, curve);
        var coord = byKind.TryGetValue(ExperimentKinds.CoordCheck, out var check) && !check.Verdicts.IsDefaultOrEmpty ? check.Verdicts[0] : null;
        return new ConfigurationResult(config, rate, etaCrit, forward, lr, trainability, stability, null, Coord: coord);
    }

    /// <summary>THEORY.md §2 CPU check: q is checked on layers of width 256–1024 (a mean over units); narrower layers are reported, not scored.</summary>
    public const long ForwardScoredMinUnits = 256;

    /// <summary>
    /// A layer with few units (the scalar readout) measures q from a handful of numbers per network: its sampling spread
    /// (chi-squared with units x networks degrees of freedom once inputs correlate) is outside the §2 check, so out of regime.
    /// </summary>
    public static ImmutableArray<Verdict> NarrowLayersOutOfRegime(ImmutableArray<Verdict> verdicts, Model.Graph.ModelGraph graph) =>
        verdicts.Select(v =>
        {
            if (v.Prediction.NodeId is not int id || !v.Prediction.InRegime)
                return v;
            var units = graph[id].Op switch { Model.Ops.Linear l => l.OutFeatures, Model.Ops.Conv c => c.OutChannels, _ => long.MaxValue };
            return units >= ForwardScoredMinUnits
                ? v
                : Verdict.Judge(v.Prediction with { InRegime = false, RegimeNote = $"{units} unit(s): THEORY.md §2 checks q as a mean over the units of layers of width 256–1024" }, v.Measured);
        }).ToImmutableArray();

    /// <summary>Per-layer slope tolerance of log q for explode/vanish checks (THEORY.md §2 CPU check).</summary>
    public const double LogSlopeTolerance = 0.05;

    /// <summary>
    /// THEORY.md §2: "For explode/vanish checks, compare log q_hat^l slopes within ±0.05 per layer." When the predicted q
    /// changes by more than 2x from the first to the last weight layer, layers after the first are judged by the mean slope
    /// ln(q^l/q^1)/(l-1), measured against predicted, instead of by relative error (which compounds over depth).
    /// </summary>
    public static ImmutableArray<Verdict> ExplodeVanishSlopes(ImmutableArray<Verdict> verdicts)
    {
        var layers = verdicts.Where(v => v.Prediction.Quantity == "q" && v.Prediction.Value > 0 && v.Prediction.InRegime).ToList();
        if (layers.Count < 3 || Math.Abs(Math.Log(layers[^1].Prediction.Value / layers[0].Prediction.Value)) <= Math.Log(2))
            return verdicts;
        var first = layers[0];
        var result = ImmutableArray.CreateBuilder<Verdict>(verdicts.Length);
        foreach (var verdict in verdicts)
        {
            var layerIdx = layers.IndexOf(verdict);
            if (layerIdx <= 0)
            {
                result.Add(verdict);
                continue;
            }
            var predicted = Math.Log(verdict.Prediction.Value / first.Prediction.Value) / layerIdx;
            double? measured = verdict.Measured is > 0 && first.Measured is > 0 ? Math.Log(verdict.Measured.Value / first.Measured.Value) / layerIdx : null;
            var slope = new PredictedValue("log-q-slope", predicted, 0, LogSlopeTolerance, verdict.Prediction.NodeId, verdict.Prediction.InRegime, verdict.Prediction.RegimeNote);
            result.Add(Verdict.Judge(slope, measured));
        }
        return result.ToImmutable();
    }

    private static TrainabilityCall Trainability(GridConfiguration config, GridPredictions predictions, double rate, double? etaCrit, ExperimentResult curve)
    {
        var initial = curve.Scalars.GetValueOrDefault("initial-loss", double.NaN);
        var final = curve.Scalars.GetValueOrDefault("final-loss", double.NaN);
        var targetVariance = curve.Scalars.GetValueOrDefault("target-variance", 1.0);
        var diverged = curve.Scalars.GetValueOrDefault("diverged", 0) != 0;
        bool? trained = double.IsFinite(initial) ? !diverged && double.IsFinite(final) && final < TrainedFraction * initial && final < TrainedFraction * targetVariance : null;
        var observed = $"loss {initial:G3} -> {final:G3}{(diverged ? " (diverged)" : "")}, target variance {targetVariance:G3}";
        TrainabilityCall Call(TrainabilityClass predicted, string reason) => new(predicted, trained, initial, final, $"{reason}; {observed}");

        if (config.Optimizer == "adam")
            return Call(TrainabilityClass.OutOfRegime, "adaptive optimizer: Adam rescues some ordered-phase nets, so the trainable band is wider (THEORY.md §3)");
        if (predictions.TrainableDepth is not { } prediction)
            return Call(TrainabilityClass.Unscored, "no trainable-depth prediction for this network");
        if (!prediction.Regime.IsInside)
            return Call(TrainabilityClass.OutOfRegime, prediction.Regime.FailingAssumption ?? "out of regime");
        var highest = StableMultiple(config);
        if (etaCrit is not double eta || rate < LowestScoredMultiple * eta || rate > highest * eta * (1 + 1e-9))
            return Call(TrainabilityClass.Unscored, $"rate {rate:G3} outside [{LowestScoredMultiple}, {highest}] x eta_crit ({etaCrit:G3}), where the depth rule is tested");
        var xi = prediction.Value / 6;
        var depth = predictions.Depth;
        if (depth < 2 * xi)
            return Call(TrainabilityClass.Trainable, $"L = {depth} < 2 xi = {2 * xi:G3}");
        if (depth > 12 * xi)
            return Call(TrainabilityClass.Untrainable, $"L = {depth} > 12 xi = {12 * xi:G3}");
        return Call(TrainabilityClass.Unscored, $"L = {depth} between 2 xi = {2 * xi:G3} and 12 xi = {12 * xi:G3}");
    }

    /// <summary>
    /// The largest multiple of eta_crit at which no divergence is predicted. GD: 1 (eta_crit is the monotone limit; divergence
    /// comes at 2-3x, THEORY.md §8.2). Heavy-ball momentum: eta_crit is the linear-stability limit (2+2 beta)/lambda_max(H),
    /// itself predicted within ±20% (§8), so divergence is predicted from 0.8x on (the lower edge of the engine's band).
    /// </summary>
    public static double StableMultiple(GridConfiguration config) =>
        config.Optimizer == "momentum" ? LearningMechanics.Theory.Learning.LearningRateLimits.MomentumBandLow : 1.0;

    private static Verdict? RateStability(GridConfiguration config, GridPredictions predictions, double rate, double? etaCrit, ExperimentResult curve)
    {
        if (etaCrit is not double eta || predictions.Lr?.DivergenceMedian is not double median)
            return null;
        var diverged = curve.Scalars.GetValueOrDefault("diverged", 0);
        var regime = predictions.Lr.Predictions.FirstOrDefault(p => p.Id == "eta-crit")?.Regime;
        var inRegime = regime?.IsInside ?? true;
        if (rate <= StableMultiple(config) * eta * (1 + 1e-9))
            return Verdict.Judge(new PredictedValue("diverged", 0, 0, 0.5, null, inRegime, regime?.FailingAssumption), diverged);
        if (rate > DivergenceScoredMultiple * median)
            return Verdict.Judge(new PredictedValue("diverged", 1, 0, 0.5, null, inRegime, regime?.FailingAssumption), diverged);
        return null;
    }

    /// <summary>Aggregates: each prediction counted once (forward per network, LR limits per network and optimizer).</summary>
    public static GridReport Summarize(GridSpec spec, ImmutableArray<ConfigurationResult> results, double seconds)
    {
        var forward = results.Where(r => r.Error is null).GroupBy(r => r.Config.NetworkKey).SelectMany(g => g.First().Forward).ToList();
        var lrGroups = results.Where(r => r.Error is null).GroupBy(r => r.Config.OptimizerKey).Select(g => g.First()).ToList();
        var etaCrit = lrGroups.Where(r => r.Config.Optimizer == "sgd").SelectMany(r => r.LrLimits.Take(1)).ToList();
        var etaCritMomentum = lrGroups.Where(r => r.Config.Optimizer == "momentum").SelectMany(r => r.LrLimits.Take(1)).ToList();
        // Momentum: largest non-divergent rate over the linear-stability limit (2+2 beta)/lambda_max(H), against the band's centre.
        var momentumRatios = lrGroups.Where(r => r.Config.Optimizer == "momentum" && r.EtaCrit is > 0)
            .SelectMany(r => r.LrLimits.Take(1).Where(v => v.Measured is > 0 && v.Outcome != VerdictOutcome.OutOfRegime).Select(v => v.Measured!.Value / r.EtaCrit!.Value)).ToList();
        var divergence = lrGroups.Where(r => r.Config.Optimizer == "sgd").SelectMany(r => r.LrLimits.Skip(1)).ToList();
        var stability = results.Select(r => r.RateStability).OfType<Verdict>().ToList();
        var trainability = results.Select(r => r.Trainability).OfType<TrainabilityCall>().ToList();

        var kinds = ImmutableArray.Create(
            KindSummary.Of("forward-variance", forward),
            KindSummary.Of("eta-crit", etaCrit),
            KindSummary.Of("eta-crit-momentum", etaCritMomentum),
            KindSummary.Of("eta-divergence", divergence),
            KindSummary.Of("rate-stability", stability),
            KindSummary.Of("coord-slope", results.Select(r => r.Coord).OfType<Verdict>().ToList()),
            new KindSummary("trainability",
                trainability.Count(t => t.IsScored && t.IsCorrect),
                trainability.Count(t => t.IsScored && !t.IsCorrect),
                trainability.Count(t => t.Predicted == TrainabilityClass.OutOfRegime),
                trainability.Count(t => t.Predicted == TrainabilityClass.Unscored || (t.Predicted is TrainabilityClass.Trainable or TrainabilityClass.Untrainable && t.Trained is null))));

        static List<double> Ratios(IEnumerable<Verdict> verdicts) => verdicts.Where(v => v.Outcome is VerdictOutcome.Confirmed or VerdictOutcome.Refuted && v.Measured is > 0)
            .Select(v => v.Measured!.Value / v.Prediction.Value).ToList();
        var ratios = Ratios(etaCrit);
        var divergenceRatios = lrGroups.Where(r => r.Config.Optimizer == "sgd" && r.EtaCrit is > 0)
            .SelectMany(r => r.LrLimits.Skip(1).Where(v => v.Measured is > 0 && v.Outcome != VerdictOutcome.OutOfRegime).Select(v => v.Measured!.Value / r.EtaCrit!.Value)).ToList();
        var confusion = new TrainabilityConfusion(
            trainability.Count(t => t.IsScored && t.Predicted == TrainabilityClass.Trainable && t.Trained == true),
            trainability.Count(t => t.IsScored && t.Predicted == TrainabilityClass.Trainable && t.Trained == false),
            trainability.Count(t => t.IsScored && t.Predicted == TrainabilityClass.Untrainable && t.Trained == true),
            trainability.Count(t => t.IsScored && t.Predicted == TrainabilityClass.Untrainable && t.Trained == false));
        return new GridReport(spec.Name, results.Length, results.Count(r => r.Error is not null), seconds, kinds,
            RatioDistribution.Of(ratios, 1.0, 0.2), RatioDistribution.Of(momentumRatios, LearningMechanics.Theory.Learning.LearningRateLimits.MomentumDivergenceRatio, LearningMechanics.Theory.Learning.LearningRateLimits.MomentumDivergenceTolerance), RatioDistribution.Of(divergenceRatios, LearningMechanics.Theory.Learning.LearningRateLimits.DivergenceMedianRatio, 0.5), confusion, results);
    }
}
