using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>textDocument/didChange with incremental edits (UTF-16 ranges); the newest version's analysis wins.</summary>
public sealed class DidChangeHandler(ServerState state) : INotificationHandler<DidChangeTextDocumentParams>
{
    public string Method => "textDocument/didChange";

    public bool MutatesState => true;

    public Task HandleAsync(DidChangeTextDocumentParams notification, CancellationToken cancellationToken)
    {
        var current = state.Documents.Get(notification.TextDocument.Uri);
        if (current is null)
        {
            state.Log.Error($"didChange for a document that is not open: {notification.TextDocument.Uri}");
            return Task.CompletedTask;
        }
        var updated = current.Apply(notification.TextDocument.Version, notification.ContentChanges ?? []);
        state.Documents.Set(updated);
        state.Status.AnalysisStarted(updated.Uri);
        state.Scheduler.DocumentChanged(updated);
        return Task.CompletedTask;
    }
}
