using System.Collections.Concurrent;
using System.Text.Json;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Protocol;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Server.Validation;

/// <summary>
/// Runs trainer jobs (validation, learning-rate limit, LR range test) on the trainer child process, one at a time per model,
/// with $/progress; the result becomes a verdict (a diagnostic and a lens title) or a report entry. A crash, timeout or
/// error of the trainer is a result too, never a server failure.
/// </summary>
/// <remarks>
/// Progress: when the request carries a <c>workDoneToken</c> the client created (LSP §workDoneProgress, client-initiated),
/// the server reports on that token and creates none, so the client shows one notification; otherwise it creates its own
/// token with window/workDoneProgress/create when the client supports it.
/// </remarks>
public sealed class ValidationRunner(ServerState state)
{
    /// <summary>Resident-memory cap of the trainer child when the trainer.maxMemoryMB setting is absent, in MiB.</summary>
    public const int DefaultTrainerMemoryMB = 4096;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perModel = new(StringComparer.Ordinal);

    public async Task<ValidationVerdict> ValidateAsync(TextDocument document, ModelAnalysis model, string contentHash, CancellationToken cancellationToken, JsonElement? workDoneToken = null)
    {
        var verdict = await RunAsync(document, model, $"Validating {model.Graph.Name}", ValidationPlanner.ValidationJob(model, state.Settings.TrainerDevice),
            result => ValidationPlanner.Judge(model, contentHash, result),
            reason => ValidationPlanner.Failed(model, contentHash, reason), workDoneToken, cancellationToken).ConfigureAwait(false);
        state.Verdicts.GetOrAdd(document.Uri, _ => new(StringComparer.Ordinal))[model.Graph.Name] = verdict;
        state.Log.Info($"validated {model.Graph.Name}: {verdict.Headline}");
        return verdict;
    }

    public async Task<LrLimitResult> FindLrLimitAsync(TextDocument document, ModelAnalysis model, string contentHash, CancellationToken cancellationToken, JsonElement? workDoneToken = null)
    {
        var result = await RunAsync(document, model, $"Finding the learning-rate limit of {model.Graph.Name}", LrExperiments.LimitJob(model, state.Settings.TrainerDevice),
            message => LrExperiments.JudgeLimit(model, contentHash, message),
            reason => LrExperiments.FailedLimit(model, contentHash, reason), workDoneToken, cancellationToken).ConfigureAwait(false);
        state.LrResults.GetOrAdd(document.Uri, _ => new(StringComparer.Ordinal))
            .AddOrUpdate(model.Graph.Name, _ => new LrResults(result, null), (_, old) => old with { Limit = result });
        state.Log.Info($"learning-rate limit of {model.Graph.Name}: {result.Headline}");
        return result;
    }

    public async Task<LrRangeResult> RunLrRangeTestAsync(TextDocument document, ModelAnalysis model, string contentHash, CancellationToken cancellationToken, JsonElement? workDoneToken = null)
    {
        var result = await RunAsync(document, model, $"LR range test of {model.Graph.Name}", LrExperiments.RangeJob(model, state.Settings.TrainerDevice),
            message => LrExperiments.ReadRange(model, contentHash, message),
            reason => LrExperiments.FailedRange(model, contentHash, reason), workDoneToken, cancellationToken).ConfigureAwait(false);
        state.LrResults.GetOrAdd(document.Uri, _ => new(StringComparer.Ordinal))
            .AddOrUpdate(model.Graph.Name, _ => new LrResults(null, result), (_, old) => old with { Range = result });
        state.Log.Info($"LR range test of {model.Graph.Name}: {result.Headline}");
        return result;
    }

    private async Task<T> RunAsync<T>(TextDocument document, ModelAnalysis model, string title, TrainerJob job, Func<ResultMessage, T> read, Func<string, T> failed,
        JsonElement? workDoneToken, CancellationToken cancellationToken)
    {
        // Training experiments use the data named in learningmechanics.json when there is some; a broken entry is an
        // error the user sees, not a silent fall-back to the synthetic task.
        var data = WorkspaceData.ForDocument(document.Path);
        if (data.Error is not null)
            return failed(data.Error);
        job = job with { Data = data.Data };
        var gate = _perModel.GetOrAdd(document.Uri + "#" + model.Graph.Name, _ => new SemaphoreSlim(1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        state.Status.ValidationStarted();
        try
        {
            var clientToken = TokenOf(workDoneToken);
            var token = $"lmech-validate-{Guid.NewGuid():N}";
            // The client's Cancel on a server-created progress (window/workDoneProgress/cancel) cancels the run like $/cancelRequest does.
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (clientToken is null)
                state.ProgressCancellations[token] = cancellation;
            cancellationToken = cancellation.Token;
            var progress = clientToken is not null ? new ProgressReporter(state.Client, clientToken, create: false) { OnProgress = state.Status.ValidationProgress }
                : state.Client.SupportsWorkDoneProgress ? new ProgressReporter(state.Client, token, create: true) { OnProgress = state.Status.ValidationProgress }
                : null;
            if (progress is not null)
                await progress.BeginAsync(title, "starting the trainer").ConfigureAwait(false);
            try
            {
                var outcome = await TrainerProcess.RunAsync(job, progress, state.Settings.EffectiveTrainerTimeout,
                    TrainerProcessOptions.Default with { MemoryLimitBytes = (long)(state.Settings.TrainerMaxMemoryMB ?? DefaultTrainerMemoryMB) * 1024 * 1024 }, cancellationToken).ConfigureAwait(false);
                return outcome.Result is { } result ? read(result) : failed(outcome.Describe());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state.Log.Error($"{title} failed: {ex}");
                return failed(ex.Message);
            }
            finally
            {
                state.ProgressCancellations.TryRemove(token, out _);
                if (progress is not null)
                    await progress.EndAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            state.Status.ValidationEnded();
            gate.Release();
        }
    }

    /// <summary>A client-created progress token as sent: a string or an integer; null when absent or of another type.</summary>
    private static object? TokenOf(JsonElement? token) => token switch
    {
        { ValueKind: JsonValueKind.String } t => t.GetString(),
        { ValueKind: JsonValueKind.Number } t when t.TryGetInt64(out var number) => number,
        _ => null,
    };

    /// <summary>Forwards trainer progress to the client as LSP work-done progress.</summary>
    private sealed class ProgressReporter(ClientConnection client, object token, bool create) : IProgress<ProgressMessage>
    {
        private volatile bool _ended;

        public Action<int>? OnProgress { get; init; }

        public async Task BeginAsync(string title, string message)
        {
            if (create)
                await client.RequestAsync("window/workDoneProgress/create", new WorkDoneProgressCreateParams((string)token)).ConfigureAwait(false);
            await client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressBegin(title, true, message, 0))).ConfigureAwait(false);
        }

        public void Report(ProgressMessage value)
        {
            if (_ended)
                return;
            var percentage = (int)Math.Round(100 * Math.Clamp(value.Fraction, 0, 1));
            OnProgress?.Invoke(percentage);
            _ = client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressReport(value.Message, percentage)));
        }

        public Task EndAsync()
        {
            _ended = true;
            return client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressEnd("done")));
        }
    }
}
