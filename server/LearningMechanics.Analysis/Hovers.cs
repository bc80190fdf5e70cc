using System.Text;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Analysis;

/// <summary>Hover content: the numbers first, then the assumptions behind them.</summary>
public static class Hovers
{
    public static HoverInfo? At(DocumentAnalysis analysis, int line, int character)
    {
        foreach (var model in analysis.Models)
        {
            if (model.Summary.LearningRate is not { } lr)
                continue;
            if (lr.Span is { } lrSpan && lrSpan.Contains(line, character))
                return new HoverInfo(Optimizer(model, lr), lrSpan);
            if (lr.OptimizerSpan is { } callSpan && callSpan.Contains(line, character))
                return new HoverInfo(Optimizer(model, lr), callSpan);
        }
        var layer = analysis.Models
            .SelectMany(m => m.Layers.Where(l => l.Span is { } s && s.Contains(line, character)).Select(l => (Model: m, Layer: l)))
            .OrderBy(x => Size(x.Layer.Span!.Value))
            .FirstOrDefault();
        if (layer.Layer is not null)
            return new HoverInfo(Layer(layer.Model, layer.Layer), layer.Layer.Span!.Value);
        var whole = analysis.Models.FirstOrDefault(m => m.Graph.Span is { } s && s.Contains(line, character));
        return whole is null ? null : new HoverInfo(Model(whole), whole.Graph.Span!.Value);
    }

    public static string Layer(ModelAnalysis model, LayerRow layer)
    {
        var text = new StringBuilder();
        text.Append($"**{layer.Description}**");
        if (!layer.Name.StartsWith(layer.Kind.ToLowerInvariant(), StringComparison.Ordinal))
            text.Append($" · `{layer.Name}`");
        text.AppendLine($" — layer {layer.NodeId} of `{model.Graph.Name}`");
        text.AppendLine();
        text.AppendLine($"- shape {layer.InputShape} → {layer.OutputShape}");
        if (layer.Parameters > 0)
            text.AppendLine($"- parameters **{Format.Count(layer.Parameters)}**");
        if (layer.SigmaW2 is { } sigmaW2)
            text.AppendLine($"- init σw² = {Format.Number(sigmaW2)}, σb² = {Format.Number(layer.SigmaB2 ?? 0)} — {layer.Init}");
        if (layer.Q is { } q)
        {
            var ratio = layer.QRatio is { } r ? $" ({Format.Factor(r)} vs previous layer)" : "";
            text.AppendLine($"- forward signal q = E[h²] = {Format.Number(q)}{ratio}");
        }
        if (layer.Chi is { } chi)
            text.AppendLine($"- gradient gain χ = {Format.Number(chi)} per layer");
        if (layer.NoTheoryReason is { } reason)
            text.AppendLine($"- no prediction: {reason}");
        text.AppendLine();
        text.Append($"_Assumes infinite width, i.i.d. init with the stated variance, inputs with E[x²] = 1 (THEORY.md §2–§4)._");
        return text.ToString();
    }

    public static string Model(ModelAnalysis model)
    {
        var s = model.Summary;
        var text = new StringBuilder();
        text.AppendLine($"**{model.Graph.Name}** — {Format.Count(s.Parameters)}{(s.ParametersExact ? "" : "+")} parameters, depth {s.Depth}");
        text.AppendLine();
        if (s.Chi1 is { } chi1)
            text.AppendLine($"- χ₁ = {Format.Number(chi1)} ({s.Phase})");
        if (s.SignalFactorPerLayer is { } factor)
            text.AppendLine($"- signal {Format.Factor(factor)} per layer");
        if (s.TrainableDepth is { } depth)
            text.AppendLine($"- trainable depth 6·ξc ≈ {Format.Number(depth)} layers");
        return text.ToString();
    }

    public static string Optimizer(ModelAnalysis model, LrSummary lr)
    {
        var text = new StringBuilder();
        var declared = lr.Declared.IsKnown ? Format.Number(lr.Declared.Value) : $"unknown ({lr.Declared.Reason})";
        text.AppendLine($"**{lr.Optimizer}** learning rate η = {declared} — model `{model.Graph.Name}`");
        text.AppendLine();
        if (lr.MonotoneLimit is { } monotone)
        {
            text.AppendLine($"- monotone below η ≈ {Format.Number(monotone)} (2/λmax)");
            if (lr.InitSpread is { } spread)
                text.AppendLine($"- λmax, and so the limit, varies by ±{spread:P0} (1 sd) from one initialisation to the next at these widths");
            if (lr.EarlyDrift is { } drift)
                text.AppendLine($"- λmax {(drift < 1 ? "falls" : "rises")} by {Math.Abs(drift - 1):P1} over the first {SharpnessDrift.TransientSteps} steps at the limit at these widths (finite-width drift, simulated on drawn nets); the limit is 2/λmax after them");
            if (lr.DivergenceLimit is { } divergence)
                text.AppendLine($"- catapult band up to ≈ {Format.Number(divergence)}, divergence above");
            if (lr.Declared.IsKnown)
                text.AppendLine($"- declared η is {Format.Number(lr.Declared.Value / monotone)}× the monotone limit");
            if (lr.OutOfRegime is { } outside)
                text.AppendLine($"- **out of regime**: {outside}");
        }
        else if (lr.NotPredictedReason is { } reason)
        {
            text.AppendLine($"- no limit predicted: {reason}");
        }
        text.AppendLine();
        text.Append($"_{lr.Convention}. Assumes {string.Join("; ", lr.Assumptions)} (THEORY.md §8)._");
        return text.ToString();
    }

    private static int Size(SourceSpan span) => (span.EndLine - span.StartLine) * 100_000 + span.EndCharacter - span.StartCharacter;
}
