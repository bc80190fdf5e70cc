using LearningMechanics.Analysis;

namespace LearningMechanics.Server.Workspace;

/// <summary>
/// After a C# document changed (edited, closed back to its disk copy, changed on disk), re-analyses the open documents
/// whose reading depends on it: those whose last analysis's content hash, which covers the documents they are read with
/// (<see cref="Analyzer.CurrentHash"/>), no longer matches. Their diagnostics are pushed as after any analysis; then the
/// client is asked to refresh code lenses, inlay hints and pulled diagnostics. A document whose hash still matches is
/// left alone, so two documents that depend on each other do not re-analyse each other forever.
/// Runs after every C# analysis, so a document whose dependencies changed while it was read is read again.
/// </summary>
public sealed class DependantRefresher(ServerState state)
{
    /// <summary>Re-analyses the dependants of <paramref name="changedUri"/> in the background.</summary>
    public void Refresh(string changedUri) => _ = RunAsync(changedUri);

    /// <summary>Re-analyses every open document whose analysis is out of date (after the workspace was indexed).</summary>
    public void RefreshAll() => _ = RunAsync(null);

    private async Task RunAsync(string? changedUri)
    {
        try
        {
            var reanalyses = new List<Task<DocumentAnalysis?>>();
            foreach (var document in state.Documents.All)
            {
                // The changed document itself is checked too: a file registered while it was being read (the folder is
                // indexed in the background) makes its own fresh analysis out of date.
                if (!document.Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
                    continue;
                if (state.Scheduler.LastCompleted(document.Uri) is not { } last || last.ContentHash == state.Analyzer.CurrentHash(document.Path, document.Text))
                    continue;
                state.Log.Info($"re-analysing {document.Path}: a document it is read with changed ({changedUri ?? "workspace indexed"})");
                reanalyses.Add(state.Scheduler.ReanalyseAsync(document, CancellationToken.None));
            }
            if (reanalyses.Count == 0)
                return;
            try
            {
                await Task.WhenAll(reanalyses).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Superseded by a newer edit of that document, whose own analysis refreshes it.
            }
            await state.Client.RefreshAllAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            state.Log.Error($"refreshing dependants: {ex}");
        }
    }
}
