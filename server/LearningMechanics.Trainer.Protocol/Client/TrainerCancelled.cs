namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>The caller cancelled the run; the process tree was killed.</summary>
public sealed record TrainerCancelled(ProgressMessage? LastProgress) : TrainerOutcome
{
    public override string Describe() => "trainer run cancelled";
}
