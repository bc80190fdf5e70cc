using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/didOpen: store the text and schedule its analysis.</summary>
public sealed class DidOpenHandler(ServerState state) : INotificationHandler<DidOpenTextDocumentParams>
{
    public string Method => "textDocument/didOpen";

    public bool MutatesState => true;

    public Task HandleAsync(DidOpenTextDocumentParams notification, CancellationToken cancellationToken)
    {
        var item = notification.TextDocument;
        var document = new Documents.TextDocument(item.Uri, item.LanguageId, item.Version, item.Text ?? "");
        state.Documents.Set(document);
        state.Status.AnalysisStarted(document.Uri);
        state.Scheduler.DocumentChanged(document);
        return Task.CompletedTask;
    }
}
