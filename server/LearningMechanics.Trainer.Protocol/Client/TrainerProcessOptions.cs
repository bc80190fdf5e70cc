using System.Collections.Immutable;

namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// How to start the trainer. <see cref="TrainerPath"/> is the trainer dll (null: <see cref="TrainerLocator"/> finds it);
/// <see cref="DotnetPath"/> the dotnet host (null: the running host, else DOTNET_HOST_PATH, else "dotnet" on PATH).
/// <see cref="MemoryLimitBytes"/> kills the trainer when its resident set grows past it (null: no limit).
/// <see cref="Environment"/> is added to the child's environment.
/// </summary>
public sealed record TrainerProcessOptions(
    string? TrainerPath = null,
    string? DotnetPath = null,
    long? MemoryLimitBytes = null,
    ImmutableDictionary<string, string>? Environment = null,
    int StderrTailLines = 20)
{
    public static TrainerProcessOptions Default { get; } = new();
}
