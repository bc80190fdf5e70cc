using System.Collections.Immutable;

namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// The trainer process ended without a result. <see cref="Reason"/> reads like "trainer aborted (exit 134): terminate
/// called after throwing an instance of 'c10::Error' ..."; <see cref="StderrTail"/> holds its last stderr lines.
/// </summary>
public sealed record TrainerCrashed(int ExitCode, string Reason, ImmutableArray<string> StderrTail) : TrainerOutcome
{
    public override string Describe() => Reason;
}
