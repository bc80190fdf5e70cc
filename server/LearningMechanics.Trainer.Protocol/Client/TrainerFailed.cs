namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>The trainer refused or could not run the job and said why (unsupported op, bad shape, libtorch not loadable).</summary>
public sealed record TrainerFailed(ErrorMessage Error, int? ExitCode) : TrainerOutcome
{
    public override string Describe() => $"trainer error: {Error.Message}";
}
