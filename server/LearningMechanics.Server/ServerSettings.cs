namespace LearningMechanics.Server;

/// <summary>Settings the client may send (initializationOptions or workspace/configuration, section "learningMechanics").</summary>
public sealed record ServerSettings(string TrainerDevice = "auto", bool CodeLensEnabled = true, TimeSpan? TrainerTimeout = null)
{
    public TimeSpan EffectiveTrainerTimeout => TrainerTimeout ?? TimeSpan.FromMinutes(5);
}
