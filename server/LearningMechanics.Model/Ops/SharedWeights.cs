using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// A second application of a module whose weights another node (<see cref="OwnerNode"/>) already owns, as in a Siamese
/// encoder or a block applied twice. It computes <see cref="Inner"/> but owns no parameters of its own.
/// </summary>
public sealed record SharedWeights(Op Inner, int OwnerNode) : Op
{
    public override string Kind => Inner.Kind;

    public override long ParameterCount => 0;

    public override WeightFans? Fans => Inner.Fans;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => Inner.InferShape(inputs);

    public override string Describe() => $"{Inner.Describe()} (weights shared with node {OwnerNode})";
}
