using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// A parameter-free tensor operation in forward that no other op describes (<c>transpose</c>, <c>mean</c>, <c>x * y</c>).
/// It owns no parameters; its output shape is unknown unless <see cref="PreservesShape"/>.
/// </summary>
public sealed record TensorOp(string Name, bool PreservesShape = false) : Op
{
    public override string Kind => Name;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) =>
        PreservesShape ? ShapeResult.PassThrough(inputs) : ShapeResult.Unknown;

    public override string Describe() => $"tensor op {Name}";
}
