using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// A parameter-free activation TorchSharp offers whose Gaussian moments the theory does not tabulate (Hardswish,
/// Hardsigmoid, Softsign, CELU, LogSigmoid, Tanhshrink, Softshrink, Hardshrink, Threshold, RReLU, Softmin, Softmax2d),
/// or a tabulated one with non-default <see cref="Arguments"/> (<c>Hardtanh(-2, 2)</c>, <c>Softplus(beta: 2)</c>).
/// </summary>
public sealed record OtherActivation(string Function, string? Arguments = null) : Op
{
    public override string Kind => Function;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.PassThrough(inputs);

    public override string Describe() => Arguments is null ? Function : $"{Function}({Arguments})";
}
