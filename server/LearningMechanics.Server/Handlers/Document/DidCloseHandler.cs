using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/didClose: forget the text and clear the document's pushed diagnostics.</summary>
public sealed class DidCloseHandler(ServerState state) : INotificationHandler<DidCloseTextDocumentParams>
{
    public string Method => "textDocument/didClose";

    public bool MutatesState => true;

    public async Task HandleAsync(DidCloseTextDocumentParams notification, CancellationToken cancellationToken)
    {
        var uri = notification.TextDocument.Uri;
        state.Documents.Remove(uri);
        state.Scheduler.DocumentClosed(uri);
        state.Status.AnalysisEnded(uri);
        if (!state.Client.SupportsPullDiagnostics)
            await state.Client.PublishDiagnosticsAsync(new PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
    }
}
