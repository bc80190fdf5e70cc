namespace LearningMechanics.Frontends.Onnx;

/// <summary>Progress of <see cref="OnnxReader.ReadSpectra"/>: layers done of the total, and the layer being worked on (null at the end).</summary>
public sealed record OnnxSpectraProgress(int Done, int Total, string? Layer);
