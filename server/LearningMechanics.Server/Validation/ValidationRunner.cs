using System.Collections.Concurrent;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Handlers;
using LearningMechanics.Server.Protocol;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Server.Validation;

/// <summary>
/// Runs validation jobs on the trainer child process, one at a time per model, with $/progress; the verdict becomes
/// a diagnostic and a lens title. A crash, timeout or error of the trainer is a verdict too, never a server failure.
/// </summary>
public sealed class ValidationRunner(ServerState state)
{
    /// <summary>Resident-memory cap of the trainer child when the trainer.maxMemoryMB setting is absent, in MiB.</summary>
    public const int DefaultTrainerMemoryMB = 4096;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perModel = new(StringComparer.Ordinal);

    public async Task<ValidationVerdict> ValidateAsync(TextDocument document, ModelAnalysis model, string contentHash, CancellationToken cancellationToken)
    {
        var gate = _perModel.GetOrAdd(document.Uri + "#" + model.Graph.Name, _ => new SemaphoreSlim(1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = $"lmech-validate-{Guid.NewGuid():N}";
            // The client's Cancel on the progress (window/workDoneProgress/cancel) cancels this run like $/cancelRequest does.
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            state.ProgressCancellations[token] = cancellation;
            cancellationToken = cancellation.Token;
            var progress = state.Client.SupportsWorkDoneProgress ? new ProgressReporter(state.Client, token) { OnProgress = state.Status.ValidationProgress } : null;
            if (progress is not null)
                await progress.BeginAsync($"Validating {model.Graph.Name}", "starting the trainer").ConfigureAwait(false);
            ValidationVerdict verdict;
            try
            {
                var job = ValidationPlanner.ForwardStatsJob(model, state.Settings.TrainerDevice);
                var outcome = await TrainerProcess.RunAsync(job, progress, state.Settings.EffectiveTrainerTimeout,
                    TrainerProcessOptions.Default with { MemoryLimitBytes = (long)(state.Settings.TrainerMaxMemoryMB ?? DefaultTrainerMemoryMB) * 1024 * 1024 }, cancellationToken).ConfigureAwait(false);
                verdict = outcome.Result is { } result
                    ? ValidationPlanner.Judge(model, contentHash, result)
                    : ValidationPlanner.Failed(model, contentHash, outcome.Describe());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state.Log.Error($"validation of {model.Graph.Name} failed: {ex}");
                verdict = ValidationPlanner.Failed(model, contentHash, ex.Message);
            }
            finally
            {
                state.ProgressCancellations.TryRemove(token, out _);
                if (progress is not null)
                    await progress.EndAsync().ConfigureAwait(false);
            }
            state.Verdicts.GetOrAdd(document.Uri, _ => new(StringComparer.Ordinal))[model.Graph.Name] = verdict;
            state.Log.Info($"validated {model.Graph.Name}: {verdict.Headline}");
            return verdict;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forwards trainer progress to the client as LSP work-done progress.</summary>
    private sealed class ProgressReporter(ClientConnection client, string token) : IProgress<ProgressMessage>
    {
        private string? _ended;

        public Action<int>? OnProgress { get; init; }

        public async Task BeginAsync(string title, string message)
        {
            await client.RequestAsync("window/workDoneProgress/create", new WorkDoneProgressCreateParams(token)).ConfigureAwait(false);
            await client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressBegin(title, true, message, 0))).ConfigureAwait(false);
        }

        public void Report(ProgressMessage value)
        {
            if (_ended is null)
                OnProgress?.Invoke((int)Math.Round(100 * Math.Clamp(value.Fraction, 0, 1)));
            if (_ended is null)
                _ = client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressReport(value.Message, (int)Math.Round(100 * Math.Clamp(value.Fraction, 0, 1)))));
        }

        public Task EndAsync()
        {
            _ended = "done";
            return client.NotifyAsync("$/progress", new ProgressParams(token, new WorkDoneProgressEnd("done")));
        }
    }
}
