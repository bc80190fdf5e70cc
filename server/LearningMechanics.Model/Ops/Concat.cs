using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>Concatenation along <see cref="Dim"/> (batch counted as dimension 0).</summary>
public sealed record Concat(long Dim = 1) : Op
{
    public override string Kind => "Concat";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || inputs.Any(s => !s.IsRankKnown))
            return ShapeResult.Unknown;
        var rank = inputs[0].Rank;
        if (inputs.Any(s => s.Rank != rank))
            return ShapeResult.Fail($"Concat of tensors with different ranks: {string.Join(", ", inputs)}");
        var axis = (int)(Dim < 0 ? Dim + rank + 1 : Dim) - 1;
        if (axis < 0 || axis >= rank)
            return ShapeResult.Fail($"Concat dimension {Dim} is out of range for {inputs[0]}");
        var dims = inputs[0].Dims.ToBuilder();
        long? total = 0;
        foreach (var shape in inputs)
            total = total is long t && shape.Dims[axis] is long d ? t + d : null;
        dims[axis] = total;
        return ShapeResult.Ok(new TensorShape(dims.ToImmutable()));
    }
}
