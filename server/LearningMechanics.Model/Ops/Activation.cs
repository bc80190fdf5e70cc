using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// An elementwise activation (or Softmax/LogSoftmax over <see cref="Dim"/>). <see cref="Alpha"/> is the
/// negative slope of LeakyReLU and the alpha of ELU; ignored otherwise.
/// </summary>
public sealed record Activation(ActivationKind Function, double Alpha = 0, long Dim = -1) : Op
{
    public override string Kind => Function.ToString();

    public bool IsElementwise => Function is not (ActivationKind.Softmax or ActivationKind.LogSoftmax);

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.PassThrough(inputs);

    public override string Describe() => Function switch
    {
        ActivationKind.LeakyReLU => $"LeakyReLU({Alpha})",
        ActivationKind.ELU => $"ELU({Alpha})",
        _ => Kind,
    };
}
