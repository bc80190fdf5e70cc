namespace LearningMechanics.Analysis.Onnx;

/// <summary>How the probe runs: batch size for symbolic batch dimensions, seed of the N(0, 1) inputs, and the time limit.</summary>
public sealed record OnnxProbeOptions
{
    public static OnnxProbeOptions Default { get; } = new();

    public int BatchSize { get; init; } = 64;

    public int Seed { get; init; } = 1;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Inputs with more elements than this (batch included) are not synthesised.</summary>
    public long MaxInputElements { get; init; } = 64L << 20;
}
