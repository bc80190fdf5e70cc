using LearningMechanics.Analysis;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>
/// workspace/didChangeWatchedFiles: a model file changed on disk. A C# file that is not open updates (or, deleted, leaves)
/// the cross-file workspace, and the open documents that depend on it are re-analysed. Verdicts and probe results of changed or deleted files are
/// dropped; a deleted file's diagnostics are cleared; changed files that are not open are re-analysed (their analysis is
/// keyed by content or file stamp) and pushed to clients without pull; then every view is asked to refresh.
/// </summary>
public sealed class DidChangeWatchedFilesHandler(ServerState state) : INotificationHandler<DidChangeWatchedFilesParams>
{
    public string Method => "workspace/didChangeWatchedFiles";

    public bool MutatesState => true;

    public async Task HandleAsync(DidChangeWatchedFilesParams notification, CancellationToken cancellationToken)
    {
        var csharpChanged = false;
        foreach (var change in notification.Changes ?? [])
        {
            var path = Documents.UriPaths.ToPath(change.Uri);
            foreach (var key in state.OnnxProbes.Keys.Where(k => k.StartsWith(path + "\n", StringComparison.Ordinal)))
                state.OnnxProbes.TryRemove(key, out _);
            if (state.Documents.Get(change.Uri) is not null)
                continue; // The editor owns an open document's text; its didChange already re-analysed it.
            if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            {
                // The cross-file workspace's disk copy; the open documents that depend on it are refreshed below.
                if (change.Type != FileEvent.Deleted && LearningMechanics.Server.Workspace.WorkspaceIndexer.InWorkspace(state, path)
                    && LearningMechanics.Server.Workspace.WorkspaceIndexer.TryRead(path, out var disk))
                    state.Analyzer.RegisterCSharp(path, disk);
                else
                    state.Analyzer.ForgetCSharp(path);
                csharpChanged = true;
            }
            state.Verdicts.TryRemove(change.Uri, out _);
            if (change.Type == FileEvent.Deleted)
            {
                await state.Client.PublishDiagnosticsAsync(new PublishDiagnosticsParams(change.Uri, null, [])).ConfigureAwait(false);
                continue;
            }
            var watchedModel = Analyzer.IsOnnx(path) || (state.Settings.AnalysisScope == "workspace" && path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase));
            if (!state.Client.SupportsPullDiagnostics && watchedModel && state.Resolve(change.Uri) is { } document)
            {
                var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
                await DiagnosticsPublisher.PushAsync(state, document, analysis).ConfigureAwait(false);
            }
        }
        if (csharpChanged)
            state.Dependants.RefreshAll();
        await state.Client.RefreshAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
