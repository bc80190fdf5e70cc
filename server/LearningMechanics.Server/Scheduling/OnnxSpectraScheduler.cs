using System.Collections.Concurrent;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Scheduling;

/// <summary>
/// The second phase of an .onnx analysis: after the first diagnostics of a file are published (graph, theory, cheap weight
/// statistics), its eigenvalue spectra and power-law fits run in the background, one file at a time, with $/progress (cancellable
/// from the client) when the client supports it. When they finish, the document is re-analysed from the completed cache
/// entry, diagnostics are pushed or the client is asked to refresh. Closing the document or a change of the file cancels them.
/// </summary>
public sealed class OnnxSpectraScheduler(ServerState state)
{
    private sealed record Job(string ContentHash, CancellationTokenSource Cancellation, Task Task);

    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    // One file's spectra at a time: a workspace of many .onnx files must not fill the thread pool that first analyses need.
    private readonly SemaphoreSlim _oneAtATime = new(1);
    private readonly object _gate = new();

    /// <summary>The running spectra job of a document, for tests and the bench (null when none).</summary>
    public Task? Running(string uri) => _jobs.TryGetValue(uri, out var job) ? job.Task : null;

    /// <summary>Called after each analysis; starts the spectra when a first-phase .onnx analysis left them pending.</summary>
    public Task OnAnalysedAsync(TextDocument document, DocumentAnalysis analysis)
    {
        if (!Analyzer.IsOnnx(document.Path) || analysis.ContentHash.EndsWith(OnnxDocumentAnalyzer.SpectraHashSuffix, StringComparison.Ordinal))
            return Task.CompletedTask;
        lock (_gate)
        {
            if (_jobs.TryGetValue(document.Uri, out var existing))
            {
                if (existing.ContentHash == analysis.ContentHash)
                    return Task.CompletedTask;
                existing.Cancellation.Cancel();
            }
            var cancellation = new CancellationTokenSource();
            var start = new TaskCompletionSource();
            var task = RunAsync(document, analysis.ContentHash, cancellation, start.Task);
            _jobs[document.Uri] = new Job(analysis.ContentHash, cancellation, task);
            start.SetResult();
        }
        return Task.CompletedTask;
    }

    public void Cancel(string uri)
    {
        lock (_gate)
        {
            if (_jobs.TryRemove(uri, out var job))
                job.Cancellation.Cancel();
        }
    }

    private async Task RunAsync(TextDocument document, string contentHash, CancellationTokenSource cancellation, Task registered)
    {
        await registered.ConfigureAwait(false);
        await Task.Yield();
        var token = $"lmech-spectra-{Guid.NewGuid():N}";
        state.ProgressCancellations[token] = cancellation;
        var progress = state.Client.SupportsWorkDoneProgress ? new SpectraProgress(state.Client, token) : null;
        var started = System.Diagnostics.Stopwatch.StartNew();
        string? endMessage = null;
        try
        {
            if (progress is not null)
                await progress.BeginAsync($"Weight spectra of {Path.GetFileName(document.Path)}").ConfigureAwait(false);
            await _oneAtATime.WaitAsync(cancellation.Token).ConfigureAwait(false);
            OnnxDocumentAnalysis? completed;
            try
            {
                completed = await Task.Run(() => state.Analyzer.CompleteOnnxSpectra(document.Path, progress, cancellation.Token), cancellation.Token).ConfigureAwait(false);
            }
            finally
            {
                _oneAtATime.Release();
            }
            if (completed?.Report is not { } report || completed.SpectraPending)
            {
                endMessage = "the file changed; its spectra are computed after its next analysis";
                return;
            }
            var fitted = report.Layers.Count(l => l.Fit.Status == PowerLawFitStatus.Success);
            var failed = report.Layers.Count(l => l.Fit.Status == PowerLawFitStatus.Failed);
            endMessage = $"{fitted} of {report.Layers.Length} layers fitted{(failed > 0 ? $", {failed} failed" : "")}";
            state.Log.Info($"spectra of {document.Path}: {endMessage} in {started.Elapsed.TotalMilliseconds:F0} ms");
            if (_jobs.TryGetValue(document.Uri, out var current) && current.Cancellation == cancellation)
            {
                var analysis = await state.Scheduler.ReanalyseAsync(document, cancellation.Token).ConfigureAwait(false);
                if (analysis is not null && state.Client.SupportsPullDiagnostics)
                    await state.Client.RefreshAllAsync(cancellation.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            endMessage = "cancelled";
            state.Log.Info($"spectra of {document.Path} cancelled after {started.Elapsed.TotalMilliseconds:F0} ms");
        }
        catch (Exception ex)
        {
            // Design note: the first-phase diagnostics stay; a failure here must never take the server down.
            endMessage = "failed";
            state.Log.Error($"spectra of {document.Path} failed: {ex}");
        }
        finally
        {
            state.ProgressCancellations.TryRemove(token, out _);
            if (progress is not null)
                await progress.EndAsync(endMessage).ConfigureAwait(false);
            lock (_gate)
            {
                if (_jobs.TryGetValue(document.Uri, out var current) && current.Cancellation == cancellation)
                    _jobs.TryRemove(document.Uri, out _);
            }
            cancellation.Dispose();
        }
    }

    /// <summary>Layer-by-layer $/progress; notifications are chained so that they leave in order.</summary>
    private sealed class SpectraProgress(ClientConnection client, string token) : IProgress<OnnxSpectraProgress>
    {
        private readonly object _gate = new();
        private Task _last = Task.CompletedTask;
        private int _percentage = -1;

        public async Task BeginAsync(string title)
        {
            await client.RequestAsync("window/workDoneProgress/create", new WorkDoneProgressCreateParams(token)).ConfigureAwait(false);
            Send(new WorkDoneProgressBegin(title, true, "starting", 0));
        }

        public void Report(OnnxSpectraProgress value)
        {
            var percentage = value.Total == 0 ? 100 : 100 * value.Done / value.Total;
            lock (_gate)
            {
                if (percentage == _percentage && value.Layer is null)
                    return;
                _percentage = percentage;
            }
            Send(new WorkDoneProgressReport(value.Layer is null ? $"{value.Done} layers" : $"layer {value.Done + 1} of {value.Total}: {value.Layer}", percentage));
        }

        public Task EndAsync(string? message)
        {
            Send(new WorkDoneProgressEnd(message));
            lock (_gate)
                return _last;
        }

        private void Send(object value)
        {
            lock (_gate)
                _last = _last.ContinueWith(_ => client.NotifyAsync("$/progress", new ProgressParams(token, value)), TaskScheduler.Default).Unwrap();
        }
    }
}
