namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>
/// Real training data for the trainer instead of the synthetic task, as named in the workspace's
/// <c>learningmechanics.json</c> ("data"). <see cref="Format"/> is "npy", "csv" or "idx" (MNIST's format).
/// <see cref="Inputs"/> and <see cref="Targets"/> are absolute paths the server has already confined to the workspace;
/// for "csv" the targets are a column of the inputs file (<see cref="TargetColumn"/>: a header name or a 0-based index,
/// the last column when absent). <see cref="Standardize"/> rescales the inputs to zero mean and unit second moment over
/// the samples used, so that the theory's E[x^2] = 1 convention holds. <see cref="Fingerprint"/> (lengths and
/// modification times of the files) makes a changed file a different cache key.
/// </summary>
public sealed record DataSpec(
    string Format,
    string Inputs,
    string? Targets = null,
    string? TargetColumn = null,
    bool Standardize = true,
    string Fingerprint = "")
{
    public static readonly IReadOnlyList<string> Formats = ["npy", "csv", "idx"];

    /// <summary>"npy" inputs [n, ...] with targets [n] or [n, k]; "csv" one row per sample; "idx" images and labels.</summary>
    public string Describe() => Format switch
    {
        "csv" => $"{Path.GetFileName(Inputs)} (CSV, target column {TargetColumn ?? "last"})",
        _ => $"{Path.GetFileName(Inputs)} with targets {Path.GetFileName(Targets ?? "?")} ({Format})",
    };
}
