using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>
/// textDocument/inlayHint: the output shape after each layer constructor, e.g. "→ [?, 128]". Off unless the client sets
/// learningMechanics.inlayHints.enable.
/// </summary>
public sealed class InlayHintHandler(ServerState state) : IRequestHandler<InlayHintParams, InlayHint[]>
{
    /// <summary>Kind 1 is "type" in LSP §inlayHintKind; a shape is the closest match.</summary>
    private const int TypeHint = 1;

    public string Method => "textDocument/inlayHint";

    public bool MutatesState => false;

    public async Task<InlayHint[]> HandleAsync(InlayHintParams request, CancellationToken cancellationToken)
    {
        if (!state.Settings.InlayHintsEnabled)
            return [];
        var document = state.Resolve(request.TextDocument.Uri);
        if (document is null || document.LanguageId != "csharp")
            return [];
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        var (first, last) = (request.Range.Start.Line, request.Range.End.Line);
        return analysis.Models
            .SelectMany(model => model.Layers)
            .Where(layer => layer.Span is { } span && first <= span.EndLine && span.EndLine <= last && layer.OutputShape.IsRankKnown && layer.Kind != "Input")
            .GroupBy(layer => layer.Span!.Value) // One hint per constructor, even when a span is shared; checked non-null above.
            .Select(group => group.Last())
            .Select(layer => new InlayHint(
                new Position(layer.Span!.Value.EndLine, layer.Span.Value.EndCharacter),
                $"→ {layer.OutputShape}",
                TypeHint,
                $"{layer.Description}: {layer.InputShape} → {layer.OutputShape}"))
            .ToArray();
    }
}
