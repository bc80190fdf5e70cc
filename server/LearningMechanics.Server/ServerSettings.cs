namespace LearningMechanics.Server;

/// <summary>
/// Settings the client may send (initializationOptions, workspace/configuration or didChangeConfiguration, section
/// "learningMechanics"). <see cref="AnalysisScope"/> is "openFiles" or "workspace"; <see cref="TrainerMaxMemoryMB"/> is in MiB.
/// </summary>
public sealed record ServerSettings(
    string TrainerDevice = "auto",
    bool CodeLensEnabled = true,
    TimeSpan? TrainerTimeout = null,
    bool InlayHintsEnabled = false,
    string AnalysisScope = "openFiles",
    int? TrainerMaxMemoryMB = null)
{
    public TimeSpan EffectiveTrainerTimeout => TrainerTimeout ?? TimeSpan.FromMinutes(5);
}
