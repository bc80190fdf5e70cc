namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// The stored tensors behind a weight op: <see cref="Scale"/> multiplies the weight (Gemm's alpha) and
/// <see cref="BiasScale"/> the bias (Gemm's beta), so the measured statistics describe the effective W and b.
/// </summary>
internal sealed record WeightBinding(int NodeId, TensorData Weight, TensorData? Bias, double Scale = 1, double BiasScale = 1);
