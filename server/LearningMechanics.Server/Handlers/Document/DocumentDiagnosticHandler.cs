using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/diagnostic (pull, LSP 3.17): a full report, or "unchanged" when the result id still holds.</summary>
public sealed class DocumentDiagnosticHandler(ServerState state) : IRequestHandler<DocumentDiagnosticParams, DocumentDiagnosticReport>
{
    public string Method => "textDocument/diagnostic";

    public bool MutatesState => false;

    public async Task<DocumentDiagnosticReport> HandleAsync(DocumentDiagnosticParams request, CancellationToken cancellationToken)
    {
        var uri = request.TextDocument.Uri;
        var document = state.Resolve(uri);
        if (document is null)
            return new DocumentDiagnosticReport("full", null, []);
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        var resultId = DiagnosticsPublisher.ResultId(state, uri, analysis);
        if (request.PreviousResultId == resultId)
            return new DocumentDiagnosticReport("unchanged", resultId, null);
        return new DocumentDiagnosticReport("full", resultId, DiagnosticsPublisher.For(state, uri, analysis));
    }
}
