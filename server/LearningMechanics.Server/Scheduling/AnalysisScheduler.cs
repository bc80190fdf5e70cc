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
    private readonly ConcurrentDictionary<string, (int Version, DocumentAnalysis Analysis)> _lastCompleted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Version, DocumentAnalysis Analysis)> _lastWithModels = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Raised after a document version's analysis completes (not raised for superseded versions).</summary>
    public event Func<TextDocument, DocumentAnalysis, Task>? Analysed;

    public void DocumentChanged(TextDocument document) => Start(document, debounce);

    /// <summary>Raised when a document closes (its background work, such as ONNX spectra, is cancelled).</summary>
    public event Action<string>? Closed;

    public void DocumentClosed(string uri)
    {
        Closed?.Invoke(uri);
        if (_entries.TryRemove(uri, out var entry))
            entry.Cancellation.Cancel();
        _lastCompleted.TryRemove(uri, out _);
        _lastWithModels.TryRemove(uri, out _);
    }

    /// <summary>The analysis of exactly this version of the document.</summary>
    public Task<DocumentAnalysis> GetAsync(TextDocument document, CancellationToken cancellationToken)
    {
        var entry = _entries.TryGetValue(document.Uri, out var existing) && existing.Version == document.Version
            ? existing
            : Start(document, TimeSpan.Zero);
        return entry.Analysis.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Analyses this version again (the analyser's cache now holds a more complete result, such as ONNX spectra) and
    /// raises <see cref="Analysed"/>; null when a newer version has been scheduled meanwhile.
    /// </summary>
    public Task<DocumentAnalysis?> ReanalyseAsync(TextDocument document, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(document.Uri, out var existing) && existing.Version != document.Version)
                return Task.FromResult<DocumentAnalysis?>(null);
            return Start(document, TimeSpan.Zero).Analysis.WaitAsync(cancellationToken).ContinueWith(t => (DocumentAnalysis?)t.Result, cancellationToken,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>The finished analysis of the newest version analysed so far (not the one that finished last).</summary>
    public DocumentAnalysis? LastCompleted(string uri) => _lastCompleted.TryGetValue(uri, out var last) ? last.Analysis : null;

    /// <summary>
    /// The last good analysis: the newest analysed version that had at least one model. While the user is half-way
    /// through typing, the current text often has no model at all; lenses (and anything else that should not flicker
    /// away) show this one until a version with models is analysed again. Forgotten when the document closes.
    /// </summary>
    public DocumentAnalysis? LastWithModels(string uri) => _lastWithModels.TryGetValue(uri, out var last) ? last.Analysis : null;

    private Entry Start(TextDocument document, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(document.Uri, out var previous))
                previous.Cancellation.Cancel();
            var cancellation = new CancellationTokenSource();
            // The analysis waits until its entry is registered: RunAsync checks _entries when it finishes, and an instant
            // analysis (an empty text) could otherwise finish first and not be recorded as the last completed one.
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = new Entry(document.Version, RunAsync(document, delay, registered.Task, cancellation.Token), cancellation);
            _entries[document.Uri] = entry;
            registered.SetResult();
            return entry;
        }
    }

    private async Task<DocumentAnalysis> RunAsync(TextDocument document, TimeSpan delay, Task registered, CancellationToken cancellationToken)
    {
        await registered.ConfigureAwait(false);
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        else
            await Task.Yield();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var analysis = await Task.Run(() => analyzer.Analyze(document.Path, document.Text, cancellationToken), cancellationToken).ConfigureAwait(false);
        log.Info($"analysed {document.Path} v{document.Version}: {analysis.Models.Length} model(s), {analysis.Findings.Length} finding(s) in {started.Elapsed.TotalMilliseconds:F1} ms");
        // Design note: analyses of superseded versions can finish after newer ones; the newer version keeps its place.
        if (_entries.ContainsKey(document.Uri))
            KeepNewest(_lastCompleted, document, analysis);
        if (analysis.Models.Length > 0 && _entries.ContainsKey(document.Uri))
            KeepNewest(_lastWithModels, document, analysis);
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

    private static void KeepNewest(ConcurrentDictionary<string, (int Version, DocumentAnalysis Analysis)> map, TextDocument document, DocumentAnalysis analysis) =>
        map.AddOrUpdate(document.Uri, (document.Version, analysis),
            (_, existing) => document.Version >= existing.Version || document.Version < 0 ? (document.Version, analysis) : existing);
}
