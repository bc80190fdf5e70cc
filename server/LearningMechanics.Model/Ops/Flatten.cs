using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Flatten(startDim = 1, endDim = -1)</c>; dimensions count the batch as dimension 0, as in TorchSharp.</summary>
public sealed record Flatten(long StartDim = 1, long EndDim = -1) : Op
{
    public override string Kind => "Flatten";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Unknown;
        var input = inputs[0];
        var fullRank = input.Rank + 1;
        var start = StartDim < 0 ? StartDim + fullRank : StartDim;
        var end = EndDim < 0 ? EndDim + fullRank : EndDim;
        if (start < 1 || end >= fullRank || start > end)
            return start == 0 ? ShapeResult.Fail("Flatten(startDim: 0) merges the batch dimension; not supported") : ShapeResult.Ok(input);
        var before = input.Dims.Take((int)start - 1);
        var merged = input.Dims.Skip((int)start - 1).Take((int)(end - start + 1)).ToList();
        long? product = merged.All(d => d is not null) ? merged.Aggregate(1L, (a, d) => a * d!.Value) : null;
        var after = input.Dims.Skip((int)end);
        return ShapeResult.Ok(new TensorShape(before.Append(product).Concat(after).ToImmutableArray()));
    }

    public override string Describe() => StartDim == 1 && EndDim == -1 ? "Flatten" : $"Flatten({StartDim}, {EndDim})";
}
