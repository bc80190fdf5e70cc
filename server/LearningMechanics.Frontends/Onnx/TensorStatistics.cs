namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// What one streamed initializer gave: its moments, and for a weight matrix either its (sampled) spectrum or, in the
/// fast first phase, a power-iteration spectral norm of the whole matrix.
/// </summary>
internal sealed record TensorStatistics(MomentSink Moments, MatrixSampleSink? Sample, double[]? Eigenvalues = null, double? PowerNorm = null);
