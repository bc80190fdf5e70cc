using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// A typed operation of the model graph. Record names follow TorchSharp's module names where one exists, so a
/// reader can map a node back to user code; ONNX op types map onto these through the ONNX reader's table.
/// </summary>
public abstract record Op
{
    /// <summary>TorchSharp-style name shown to users ("Linear", "Conv2d", "ReLU").</summary>
    public abstract string Kind { get; }

    /// <summary>Exact number of trainable scalars this op owns, as TorchSharp's <c>parameters()</c> would count them.</summary>
    public virtual long ParameterCount => 0;

    /// <summary>Fan-in and fan-out of the weight tensor (PyTorch's <c>_calculate_fan_in_and_fan_out</c>), null when the op has no weight.</summary>
    public virtual WeightFans? Fans => null;

    /// <summary>Output shape (batch dimension excluded) from the input shapes, or an error naming the mismatch.</summary>
    public abstract ShapeResult InferShape(ImmutableArray<TensorShape> inputs);

    /// <summary>One-line description of the hyperparameters, e.g. "784 → 128, bias".</summary>
    public virtual string Describe() => Kind;
}

public readonly record struct WeightFans(long FanIn, long FanOut);

/// <summary>The result of shape inference: a shape, or an error that says what did not fit.</summary>
public sealed record ShapeResult(TensorShape Shape, string? Error = null)
{
    public static ShapeResult Ok(TensorShape shape) => new(shape);

    public static ShapeResult Fail(string error) => new(TensorShape.UnknownRank, error);

    public static ShapeResult Unknown => new(TensorShape.UnknownRank);

    public static ShapeResult PassThrough(ImmutableArray<TensorShape> inputs) =>
        inputs.Length > 0 ? new(inputs[0]) : Unknown;
}
