using System.Collections.Immutable;
using System.Diagnostics;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Trainer.Tests;

[Trait("Category", "Trainer")]
public sealed class TrainerProcessTests
{
    private static readonly ExperimentRequest s_sleep =
        new(ExperimentKinds.DebugSleep, Parameters: ImmutableDictionary<string, double>.Empty.Add("seconds", 60));

    [Fact]
    public async Task RunAsync_LibtorchAbort_IsCrashOutcomeWithReason()
    {
        var job = Graphs.Job(Graphs.ReluMlp(1, 4), new ExperimentRequest(ExperimentKinds.DebugAbort));
        var outcome = await Trainer.RunAsync(job, options: Trainer.DebugOptions);
        var crash = Assert.IsType<TrainerCrashed>(outcome);
        Assert.Equal(134, crash.ExitCode);
        Assert.StartsWith("trainer aborted (exit 134):", crash.Reason);
        Assert.NotEmpty(crash.StderrTail);
    }

    [Fact]
    public async Task RunAsync_Hang_TimesOutAndKills()
    {
        var job = Graphs.Job(Graphs.ReluMlp(1, 4), s_sleep);
        var stopwatch = Stopwatch.StartNew();
        var outcome = await Trainer.RunAsync(job, TimeSpan.FromSeconds(3), Trainer.DebugOptions);
        Assert.IsType<TrainerTimedOut>(outcome);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_Cancelled_IsCancelledOutcome()
    {
        var job = Graphs.Job(Graphs.ReluMlp(1, 4), s_sleep);
        using var cancel = new CancellationTokenSource();
        var progress = new List<ProgressMessage>();
        // Cancel mid-run: half a second after the first progress line.
        var reporter = new SyncProgress(p => { progress.Add(p); cancel.CancelAfter(TimeSpan.FromMilliseconds(500)); });
        var stopwatch = Stopwatch.StartNew();
        var outcome = await TrainerProcess.RunAsync(job, reporter, TimeSpan.FromMinutes(1), Trainer.DebugOptions, cancel.Token);
        Assert.IsType<TrainerCancelled>(outcome);
        Assert.NotEmpty(progress);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_DebugKindWithoutOptIn_IsRefused()
    {
        var outcome = await Trainer.RunAsync(Graphs.Job(Graphs.ReluMlp(1, 4), new ExperimentRequest(ExperimentKinds.DebugAbort)));
        var failed = Assert.IsType<TrainerFailed>(outcome);
        Assert.Contains("LMECH_TRAINER_DEBUG", failed.Error.Message);
    }

    [Fact]
    public async Task RunAsync_UnsupportedOp_NamesTheOp()
    {
        var builder = new GraphBuilder("custom", ModelOrigin.Synthetic, TensorShape.Of(8));
        builder.Then(new Linear(8, 8));
        builder.Then(new UnknownOp("MyAttention", "a user-defined module"), name: "attn");
        var outcome = await Trainer.RunAsync(Graphs.Job(builder.Build(), new ExperimentRequest(ExperimentKinds.ForwardStats)));
        var failed = Assert.IsType<TrainerFailed>(outcome);
        Assert.Contains("MyAttention", failed.Error.Message);
        Assert.Contains("attn", failed.Error.Message);
    }

    [Fact]
    public async Task RunAsync_ShapeMismatch_IsRefusedBeforeLibtorch()
    {
        var builder = new GraphBuilder("mismatch", ModelOrigin.Synthetic, TensorShape.Of(8));
        builder.Then(new Linear(8, 16));
        builder.Then(new Linear(32, 4));
        var outcome = await Trainer.RunAsync(Graphs.Job(builder.Build(), new ExperimentRequest(ExperimentKinds.ForwardStats)));
        var failed = Assert.IsType<TrainerFailed>(outcome);
        Assert.Contains("32", failed.Error.Message);
    }

    [Fact]
    public async Task RunAsync_MissingTrainer_IsUnavailable()
    {
        var options = new TrainerProcessOptions(TrainerPath: "/nonexistent/LearningMechanics.Trainer.dll");
        var outcome = await Trainer.RunAsync(Graphs.Job(Graphs.ReluMlp(1, 4)), options: options);
        var unavailable = Assert.IsType<TrainerUnavailable>(outcome);
        Assert.Contains("dotnet build", unavailable.Message);
    }

    [Fact]
    public async Task RunAsync_MemoryLimit_KillsTrainer()
    {
        // libtorch alone needs far more than 50 MB, so the watchdog must fire before the result.
        var options = Trainer.DebugOptions with { MemoryLimitBytes = 50L * 1024 * 1024 };
        var outcome = await Trainer.RunAsync(Graphs.Job(Graphs.ReluMlp(1, 4), s_sleep), options: options);
        var crash = Assert.IsType<TrainerCrashed>(outcome);
        Assert.Contains("memory", crash.Reason);
    }

    [Fact]
    public void Locate_FromTestAssembly_FindsBuiltTrainer()
    {
        var (path, error) = TrainerLocator.Locate();
        Assert.True(path is not null, error);
        Assert.EndsWith(TrainerLocator.FileName, path);
    }

    private sealed class SyncProgress(Action<ProgressMessage> report) : IProgress<ProgressMessage>
    {
        public void Report(ProgressMessage value)
        {
            lock (this)
                report(value);
        }
    }
}
