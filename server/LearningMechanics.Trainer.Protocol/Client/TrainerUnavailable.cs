namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>No trainer could be started (not built, or dotnet not found); <see cref="Message"/> says how to fix it.</summary>
public sealed record TrainerUnavailable(string Message) : TrainerOutcome
{
    public override string Describe() => Message;
}
