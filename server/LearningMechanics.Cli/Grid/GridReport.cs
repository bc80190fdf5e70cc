using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Cli.Grid;

/// <summary>Counts for one prediction kind; <see cref="Rate"/> = confirmed / (confirmed + refuted), null when nothing was scored.</summary>
public sealed record KindSummary(string Kind, int Confirmed, int Refuted, int OutOfRegime, int NotScored)
{
    public int Scored => Confirmed + Refuted;

    public double? Rate => Scored > 0 ? (double)Confirmed / Scored : null;

    public static KindSummary Of(string kind, IReadOnlyCollection<Verdict> verdicts) => new(kind,
        verdicts.Count(v => v.Outcome == VerdictOutcome.Confirmed),
        verdicts.Count(v => v.Outcome == VerdictOutcome.Refuted),
        verdicts.Count(v => v.Outcome == VerdictOutcome.OutOfRegime),
        verdicts.Count(v => v.Outcome == VerdictOutcome.NotMeasured));
}

/// <summary>Distribution of measured/predicted ratios: median, 10th and 90th percentiles, the fraction within ±Tolerance of Center.</summary>
public sealed record RatioDistribution(int Count, double? Median, double? P10, double? P90, double? WithinTolerance, double Center, double Tolerance)
{
    public static RatioDistribution Of(IReadOnlyList<double> ratios, double center, double tolerance)
    {
        if (ratios.Count == 0)
            return new(0, null, null, null, null, center, tolerance);
        var sorted = ratios.Order().ToArray();
        return new(sorted.Length, Quantile(sorted, 0.5), Quantile(sorted, 0.1), Quantile(sorted, 0.9),
            (double)sorted.Count(r => Math.Abs(r - center) <= tolerance * center) / sorted.Length, center, tolerance);
    }

    private static double Quantile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}

/// <summary>Predicted trainable/untrainable against trained/not trained, scored configurations only.</summary>
public sealed record TrainabilityConfusion(int TrainableTrained, int TrainableNotTrained, int UntrainableTrained, int UntrainableNotTrained)
{
    public int Scored => TrainableTrained + TrainableNotTrained + UntrainableTrained + UntrainableNotTrained;

    public double? Accuracy => Scored > 0 ? (double)(TrainableTrained + UntrainableNotTrained) / Scored : null;
}

/// <summary>The whole grid: per-kind rates, the LR-limit error distribution, the trainability confusion matrix, every configuration.</summary>
public sealed record GridReport(
    string Name,
    int Configurations,
    int Failed,
    double Seconds,
    ImmutableArray<KindSummary> Kinds,
    RatioDistribution EtaCritRatio,
    RatioDistribution MomentumRatio,
    RatioDistribution DivergenceRatio,
    TrainabilityConfusion Trainability,
    ImmutableArray<ConfigurationResult> Results)
{
    public KindSummary Kind(string kind) => Kinds.Single(k => k.Kind == kind);

    private static readonly JsonSerializerOptions s_json = new(ProtocolJson.Options) { WriteIndented = true };

    public void WriteJson(TextWriter output) => output.WriteLine(JsonSerializer.Serialize(this, s_json));

    public void WriteText(TextWriter output, bool verbose)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"validation grid '{Name}': {Configurations} configurations, {Failed} failed, {Seconds:F0} s");
        output.WriteLine();
        output.WriteLine("confirmation rate per prediction kind (in-regime predictions; forward per network, LR limits per network and optimizer):");
        output.WriteLine($"  {"kind",-18} {"rate",7} {"confirmed",10} {"refuted",8} {"out-of-regime",14} {"not scored",11}");
        foreach (var kind in Kinds)
            output.WriteLine($"  {kind.Kind,-18} {(kind.Rate is { } rate ? rate.ToString("P1", c) : "-"),7} {kind.Confirmed,10} {kind.Refuted,8} {kind.OutOfRegime,14} {kind.NotScored,11}");
        output.WriteLine();
        output.WriteLine("LR limit, GD: largest monotone rate (30 full-batch steps) / predicted eta_crit = 2/lambda_max(H):");
        WriteDistribution(output, EtaCritRatio);
        output.WriteLine("LR limit, heavy-ball momentum: largest non-divergent rate / predicted (2 + 2 beta)/lambda_max(H):");
        WriteDistribution(output, MomentumRatio);
        output.WriteLine("divergence threshold / predicted eta_crit (GD; THEORY.md §18 median 2.5):");
        WriteDistribution(output, DivergenceRatio);
        output.WriteLine();
        output.WriteLine("trainability confusion matrix (scored: L < 2 xi or L > 12 xi, SGD at 0.25-1 x eta_crit):");
        output.WriteLine($"  {"",22} {"trained",9} {"not trained",12}");
        output.WriteLine($"  {"predicted trainable",22} {Trainability.TrainableTrained,9} {Trainability.TrainableNotTrained,12}");
        output.WriteLine($"  {"predicted untrainable",22} {Trainability.UntrainableTrained,9} {Trainability.UntrainableNotTrained,12}");
        output.WriteLine($"  accuracy {(Trainability.Accuracy is { } a ? a.ToString("P1", c) : "-")} of {Trainability.Scored}");
        var failures = Results.Where(r => r.Error is not null).ToList();
        if (failures.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("failed configurations:");
            foreach (var failure in failures.Take(20))
                output.WriteLine($"  {failure.Config.Id}: {failure.Error}");
        }
        var refuted = Results.SelectMany(r => r.Forward.Concat(r.LrLimits).Where(v => v.Outcome == VerdictOutcome.Refuted).Select(v => (r.Config.Id, v.Reason)))
            .Concat(Results.Where(r => r.Trainability is { IsScored: true, IsCorrect: false }).Select(r => (r.Config.Id, r.Trainability!.Reason)))
            .ToList();
        if (refuted.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"refuted ({refuted.Count}{(verbose ? "" : ", first 15; --verbose for all")}):");
            foreach (var (id, reason) in verbose ? refuted : refuted.Take(15))
                output.WriteLine($"  {id}: {reason}");
        }
    }

    private static void WriteDistribution(TextWriter output, RatioDistribution d)
    {
        var c = CultureInfo.InvariantCulture;
        if (d.Count == 0)
        {
            output.WriteLine("  none measured");
            return;
        }
        output.WriteLine($"  n = {d.Count}, median {d.Median:F3}, p10 {d.P10:F3}, p90 {d.P90:F3}; within ±{d.Tolerance:P0} of {d.Center:G3}: {d.WithinTolerance:P1}");
    }
}
