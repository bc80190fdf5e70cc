using System.Collections.Immutable;

namespace LearningMechanics.Analysis;

/// <summary>Code lenses above each model: a summary line and the Validate command; above an optimizer: its rate against the limit.</summary>
public static class Lenses
{
    public const string ValidateCommand = "learningMechanics.validate";

    public static ImmutableArray<LensInfo> For(DocumentAnalysis analysis, Func<string, ValidationVerdict?> verdictOf)
    {
        var result = ImmutableArray.CreateBuilder<LensInfo>();
        foreach (var model in analysis.Models)
        {
            if (model.Graph.Span is not { } span)
                continue;
            var s = model.Summary;
            var parts = new List<string> { $"{Format.Count(s.Parameters)}{(s.ParametersExact ? "" : "+")} params", $"depth {s.Depth}" };
            if (s.Chi1 is { } chi1)
                parts.Add($"χ₁ {Format.Number(chi1)} ({s.Phase})");
            if (s.TrainableDepth is { } trainable)
                parts.Add($"trainable depth ≈ {Format.Number(trainable)}");
            result.Add(new LensInfo(span, string.Join(" · ", parts), null, model.Graph.Name));
            var verdict = verdictOf(model.Graph.Name);
            result.Add(new LensInfo(span, verdict is null ? "▶ Validate" : $"▶ Validate again ({verdict.Headline})", ValidateCommand, model.Graph.Name));
            if (s.LearningRate is { Span: { } lrSpan, MonotoneLimit: { } limit } lr)
            {
                var declared = lr.Declared.IsKnown ? $"η {Format.Number(lr.Declared.Value)} · " : "";
                var caveat = lr.OutOfRegime is null ? "" : " · out of regime";
                // The lens has room for the verdict only; its tooltip says why the limit is out of regime, or what it assumes.
                var tooltip = lr.OutOfRegime is { } why ? $"Out of regime: {why}" : $"Predicted monotone-descent limit at init: {lr.Convention}";
                result.Add(new LensInfo(lrSpan, $"{declared}stable below ≈ {Format.Number(limit)} ({lr.Optimizer}){caveat}", null, model.Graph.Name, tooltip));
            }
        }
        return result.ToImmutable();
    }
}
