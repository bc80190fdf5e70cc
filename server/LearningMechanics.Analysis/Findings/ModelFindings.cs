using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Findings;

/// <summary>
/// Findings the theory supports, each naming its numbers and the assumption behind them. Codes are stable:
/// vanishing-signal, exploding-signal, depth-beyond-trainable, lr-above-stability-limit, finite-width.
/// </summary>
public static class ModelFindings
{
    /// <summary>Signal changes by more than this over the network before a warning is given (two orders of magnitude).</summary>
    public const double SignalRangeThreshold = 100;

    public static ImmutableArray<Finding> From(ModelAnalysisParts parts)
    {
        var (graph, summary) = (parts.Graph, parts.Summary);
        var result = ImmutableArray.CreateBuilder<Finding>();
        var name = graph.Name;
        var hidden = summary.Depth - 1;
        if (summary.SignalFactorPerLayer is { } factor && hidden >= 2 && factor > 0)
        {
            var total = Math.Pow(factor, hidden);
            if (total < 1 / SignalRangeThreshold)
            {
                result.Add(new Finding("vanishing-signal", Severity.Warning,
                    $"Signal shrinks {Format.Factor(factor)} per layer: over {hidden} hidden layers q falls to {Format.Number(total)} of its first-layer value " +
                    $"(until the bias floor takes over); gradients shrink alike (χ₁ = {Format.Number(summary.Chi1 ?? double.NaN)}). " +
                    "Assumes infinite width and i.i.d. init (THEORY.md §2, §4.1). Move to critical init (χ₁ = 1: He/kaiming_normal, σw² = 2, for ReLU) or add normalisation.",
                    graph.Span, name));
            }
            else if (total > SignalRangeThreshold)
            {
                result.Add(new Finding("exploding-signal", Severity.Warning,
                    $"Signal grows {Format.Factor(factor)} per layer: over {hidden} hidden layers q grows {Format.Number(total)}×; " +
                    $"gradients grow alike (χ₁ = {Format.Number(summary.Chi1 ?? double.NaN)}). Assumes infinite width and i.i.d. init (THEORY.md §2).",
                    graph.Span, name));
            }
        }
        if (summary.TrainableDepth is { } trainable && double.IsFinite(trainable) && summary.Depth > trainable)
        {
            result.Add(new Finding("depth-beyond-trainable", Severity.Warning,
                $"Depth {summary.Depth} exceeds the trainable depth 6·ξc ≈ {Format.Number(trainable)} (ξc = {Format.Number(summary.XiC ?? double.NaN)}, χ₁ = {Format.Number(summary.Chi1 ?? double.NaN)}, {summary.Phase}): " +
                "input correlations are lost before the output and SGD is not expected to train it (Schoenholz et al. 2017; THEORY.md §3). Move towards criticality (χ₁ = 1) or add normalisation/residuals.",
                graph.Span, name));
        }
        if (summary.LearningRate is { Declared.IsKnown: true, MonotoneLimit: { } limit } lr && lr.Declared.Value > limit)
        {
            var severity = lr.DivergenceLimit is { } divergence && lr.Declared.Value > divergence ? "above the divergence band" : "in the catapult band (loss spikes before it settles)";
            result.Add(new Finding("lr-above-stability-limit", Severity.Warning,
                $"Learning rate {Format.Number(lr.Declared.Value)} is above the stability limit 2/λmax ≈ {Format.Number(limit)}: {severity}. {lr.Convention} (THEORY.md §8).",
                lr.Span ?? graph.Span, name));
        }
        if (summary.WidthDepthRatio is { } ratio && ratio > 0.2)
        {
            result.Add(new Finding("finite-width", Severity.Information,
                $"Σ 1/n_l = {Format.Number(ratio)} > 0.2: per-example activation and gradient scales fluctuate by more than 2×, so mean-field predictions are unreliable here (Hanin & Nica 2019; THEORY.md §4.3).",
                graph.Span, name));
        }
        return result.ToImmutable();
    }
}

/// <summary>What the findings need from a model analysis.</summary>
public sealed record ModelAnalysisParts(Model.Graph.ModelGraph Graph, ModelSummary Summary, ImmutableArray<LayerRow> Layers);
