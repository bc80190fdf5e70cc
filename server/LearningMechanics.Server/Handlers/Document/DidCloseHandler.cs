using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Document;

/// <summary>
/// textDocument/didClose: forget the text and clear the document's pushed diagnostics. A C# file under a workspace folder
/// falls back to its disk copy in the cross-file workspace (a file that no longer exists, or one outside the folders, is
/// removed), and the open documents that depend on it are re-analysed.
/// </summary>
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
        var path = Documents.UriPaths.ToPath(uri);
        if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
        {
            if (LearningMechanics.Server.Workspace.WorkspaceIndexer.InWorkspace(state, path) && LearningMechanics.Server.Workspace.WorkspaceIndexer.TryRead(path, out var disk))
                state.Analyzer.RegisterCSharp(path, disk);
            else
                state.Analyzer.ForgetCSharp(path);
            state.Dependants.Refresh(uri);
        }
        if (!state.Client.SupportsPullDiagnostics)
            await state.Client.PublishDiagnosticsAsync(new PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
    }
}
