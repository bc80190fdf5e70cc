namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>The trainer ran every experiment and sent its result.</summary>
public sealed record TrainerCompleted(ResultMessage Message) : TrainerOutcome
{
    public override string Describe() => $"trainer finished on {Message.Device} ({Message.Threads} threads) in {Message.ElapsedSeconds:F2} s";
}
