using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>An op the frontends could not map; <see cref="Reason"/> names the construct. Its parameters are unknown, never guessed.</summary>
public sealed record UnknownOp(string TypeName, string Reason) : Op
{
    public override string Kind => TypeName;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.Unknown;

    public override string Describe() => $"{TypeName} (not understood: {Reason})";
}
