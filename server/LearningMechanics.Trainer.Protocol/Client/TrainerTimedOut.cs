using System.Collections.Immutable;

namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>The run exceeded its time limit; the process tree was killed.</summary>
public sealed record TrainerTimedOut(TimeSpan Timeout, ProgressMessage? LastProgress, ImmutableArray<string> StderrTail) : TrainerOutcome
{
    public override string Describe() =>
        $"trainer timed out after {Timeout.TotalSeconds:F0} s{(LastProgress is { } p ? $" at {p.Fraction:P0} ({p.Message})" : "")}; the process was killed";
}
