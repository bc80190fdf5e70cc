using System.Collections.Immutable;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>What an ONNX tensor name stands for while mapping: a model-graph node's output or a constant.</summary>
internal abstract record OnnxValue;

/// <summary>The output of model-graph node <paramref name="NodeId"/>.</summary>
internal sealed record RuntimeValue(int NodeId) : OnnxValue;

/// <summary>An initializer or a Constant node's output; <see cref="Values"/> is kept for small tensors only.</summary>
internal sealed record ConstantValue(ImmutableArray<long> Dims, TensorData? Initializer, double[]? Values) : OnnxValue
{
    public long Elements => Dims.Aggregate(1L, (a, d) => d < 0 ? a : a * d);

    /// <summary>The single value of a scalar (or one-element) constant, when known.</summary>
    public double? Scalar => Values is [var v] ? v : null;
}

/// <summary>
/// A small integer vector computed from tensor shapes (Shape, Gather, Unsqueeze, Concat ... as exporters write a dynamic
/// Reshape target); an element is null when unknown and <see cref="Batch"/> when it is the batch dimension.
/// </summary>
internal sealed record ShapeValue(ImmutableArray<long?> Elements) : OnnxValue
{
    public const long Batch = long.MinValue;
}
