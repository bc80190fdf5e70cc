using System.Collections.Concurrent;
using LearningMechanics.Analysis;
using LearningMechanics.Server.Documents;

namespace LearningMechanics.Server.Scheduling;

/// <summary>
/// Analyses documents off the message queue: a change starts a debounced analysis of that version and cancels the
/// previous one (latest wins); a request for a version that is not analysed yet joins or starts its analysis.
/// </summary>
public sealed class AnalysisScheduler(Analyzer analyzer, Log log, TimeSpan debounce)
{
    private sealed record Entry(int Version, Task<DocumentAnalysis> Analysis, CancellationTokenSource Cancellation);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DocumentAnalysis> _lastCompleted = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Raised after a document version's analysis completes (not raised for superseded versions).</summary>
    public event Func<TextDocument, DocumentAnalysis, Task>? Analysed;

    public void DocumentChanged(TextDocument document) => Start(document, debounce);

    public void DocumentClosed(string uri)
    {
        if (_entries.TryRemove(uri, out var entry))
            entry.Cancellation.Cancel();
    }

    /// <summary>The analysis of exactly this version of the document.</summary>
    public Task<DocumentAnalysis> GetAsync(TextDocument document, CancellationToken cancellationToken)
    {
        var entry = _entries.TryGetValue(document.Uri, out var existing) && existing.Version == document.Version
            ? existing
            : Start(document, TimeSpan.Zero);
        return entry.Analysis.WaitAsync(cancellationToken);
    }

    /// <summary>The latest finished analysis, whatever its version; used to keep lenses stable mid-edit.</summary>
    public DocumentAnalysis? LastCompleted(string uri) => _lastCompleted.TryGetValue(uri, out var analysis) ? analysis : null;

    private Entry Start(TextDocument document, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(document.Uri, out var previous))
                previous.Cancellation.Cancel();
            var cancellation = new CancellationTokenSource();
            var entry = new Entry(document.Version, RunAsync(document, delay, cancellation.Token), cancellation);
            _entries[document.Uri] = entry;
            return entry;
        }
    }

    private async Task<DocumentAnalysis> RunAsync(TextDocument document, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        else
            await Task.Yield();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var analysis = await Task.Run(() => analyzer.Analyze(document.Path, document.Text, cancellationToken), cancellationToken).ConfigureAwait(false);
        log.Info($"analysed {document.Path} v{document.Version}: {analysis.Models.Length} model(s), {analysis.Findings.Length} finding(s) in {started.Elapsed.TotalMilliseconds:F1} ms");
        _lastCompleted[document.Uri] = analysis;
        if (_entries.TryGetValue(document.Uri, out var current) && current.Version == document.Version && Analysed is { } handler)
        {
            try
            {
                await handler(document, analysis).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                log.Error($"after analysis of {document.Uri}: {ex}");
            }
        }
        return analysis;
    }
}
