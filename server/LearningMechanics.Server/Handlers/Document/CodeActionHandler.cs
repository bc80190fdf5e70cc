using LearningMechanics.Analysis.Editor;
using LearningMechanics.Server.Conversions;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>
/// textDocument/codeAction: "set learning rate to the predicted safe value" and "use critical initialisation for this
/// activation", each with its edit computed from the analysed version of the text.
/// </summary>
public sealed class CodeActionHandler(ServerState state) : IRequestHandler<CodeActionParams, CodeAction[]>
{
    public string Method => "textDocument/codeAction";

    public bool MutatesState => false;

    public async Task<CodeAction[]> HandleAsync(CodeActionParams request, CancellationToken cancellationToken)
    {
        if (request.Context?.Only is { Length: > 0 } only && !only.Any(kind => "quickfix".StartsWith(kind, StringComparison.Ordinal)))
            return [];
        var document = state.Resolve(request.TextDocument.Uri);
        if (document is null || document.LanguageId != "csharp")
            return [];
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        var actions = CodeActions.For(analysis, document.Text, request.Range.Start.Line, request.Range.End.Line, cancellationToken);
        var diagnostics = request.Context?.Diagnostics ?? [];
        return actions
            .Select(action => new CodeAction(
                action.Title,
                action.Kind,
                new WorkspaceEdit(new() { [document.Uri] = action.Edits.Select(e => new TextEdit(ToLsp.Range(e.Span), e.NewText)).ToArray() }),
                action.IsPreferred ? true : null,
                diagnostics.Where(d => d.Code == action.FindingCode).ToArray() is { Length: > 0 } answered ? answered : null))
            .ToArray();
    }
}
