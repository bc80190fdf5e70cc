using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Trainer.Tests;

/// <summary>The one place the tests start the trainer: through <see cref="TrainerProcess"/>, as the server does.</summary>
internal static class Trainer
{
    public static readonly TrainerProcessOptions DebugOptions =
        new(Environment: ImmutableDictionary<string, string>.Empty.Add("LMECH_TRAINER_DEBUG", "1"));

    public static Task<TrainerOutcome> RunAsync(TrainerJob job, TimeSpan? timeout = null, TrainerProcessOptions? options = null, CancellationToken ct = default) =>
        TrainerProcess.RunAsync(job, null, timeout ?? TimeSpan.FromMinutes(2), options ?? TrainerProcessOptions.Default, ct);

    /// <summary>Runs the job and returns its result, failing the test with the outcome's description otherwise.</summary>
    public static async Task<ResultMessage> ResultAsync(TrainerJob job)
    {
        var outcome = await RunAsync(job);
        Assert.True(outcome is TrainerCompleted, outcome.Describe());
        return outcome.Result!;
    }
}
