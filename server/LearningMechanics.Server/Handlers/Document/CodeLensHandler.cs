using LearningMechanics.Analysis;
using LearningMechanics.Server.Conversions;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/codeLens: a summary lens and a Validate lens above each model.</summary>
public sealed class CodeLensHandler(ServerState state) : IRequestHandler<CodeLensParams, CodeLens[]>
{
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
        state.Verdicts.TryGetValue(document.Uri, out var verdicts);
        return Lenses.For(analysis, name => verdicts is not null && verdicts.TryGetValue(name, out var v) && v.ContentHash == analysis.ContentHash ? v : null)
            .Select(lens => ToLsp.CodeLens(lens, document.Uri))
            .ToArray();
    }
}
