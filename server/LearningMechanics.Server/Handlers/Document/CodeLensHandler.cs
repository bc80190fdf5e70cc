using System.Collections.Concurrent;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Server.Conversions;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>
/// textDocument/codeLens: a summary lens and a Validate lens above each model. While the text is mid-edit and no model
/// can be read from it (while every earlier model's name is still in the text), the lenses of the last analysis that had
/// models are kept, so they do not flicker away.
/// </summary>
public sealed class CodeLensHandler(ServerState state) : IRequestHandler<CodeLensParams, CodeLens[]>
{
    private readonly ConcurrentDictionary<string, DocumentAnalysis> _lastWithModels = new(StringComparer.Ordinal);

    public string Method => "textDocument/codeLens";

    public bool MutatesState => false;

    public async Task<CodeLens[]> HandleAsync(CodeLensParams request, CancellationToken cancellationToken)
    {
        if (!state.Settings.CodeLensEnabled)
            return [];
        var document = state.Resolve(request.TextDocument.Uri);
        if (document is null)
            return [];
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        if (!analysis.Models.IsEmpty)
            _lastWithModels[document.Uri] = analysis;
        else if (state.Documents.Get(document.Uri) is not null && _lastWithModels.TryGetValue(document.Uri, out var previous)
            && previous.Models.All(m => document.Text.Contains(m.Graph.Name, StringComparison.Ordinal)))
            analysis = previous; // Mid-edit: the models are still named in the text but cannot be read right now.
        else
            _lastWithModels.TryRemove(document.Uri, out _);
        state.Verdicts.TryGetValue(document.Uri, out var verdicts);
        return Lenses.For(analysis, name => verdicts is not null && verdicts.TryGetValue(name, out var v) && OnnxDocumentAnalyzer.SameContent(v.ContentHash, analysis.ContentHash) ? v : null)
            .Select(lens => ToLsp.CodeLens(lens, document.Uri))
            .ToArray();
    }
}
