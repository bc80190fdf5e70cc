namespace LearningMechanics.Analysis.Onnx;

/// <summary>
/// One node's value measured by ONNX Runtime on synthetic inputs: <see cref="MeanSquare"/> is the mean of the squared
/// entries over the batch (the measured q, comparable with <see cref="LayerRow.Q"/>); <see cref="PredictedQ"/> is the
/// theory's q for the same model node, when it has one.
/// </summary>
public sealed record OnnxMeasurement(string Tensor, int? ModelNode, string? NodeName, double MeanSquare, long Elements, double? PredictedQ);
