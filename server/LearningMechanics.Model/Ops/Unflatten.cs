using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Unflatten(dim, unflattened_size)</c>: splits dimension <see cref="Dim"/> (the batch is dimension 0, as in TorchSharp) into <see cref="Sizes"/>.</summary>
public sealed record Unflatten(long Dim, ImmutableArray<long> Sizes) : Op
{
    public override string Kind => "Unflatten";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Unknown;
        var input = inputs[0];
        var fullRank = input.Rank + 1;
        var dim = Dim < 0 ? Dim + fullRank : Dim;
        if (dim < 1 || dim >= fullRank)
            return ShapeResult.Fail($"Unflatten({Dim}) is outside the per-sample dimensions of {input}");
        var product = Sizes.Aggregate(1L, (a, s) => a * s);
        if (input.Dims[(int)dim - 1] is long size && size != product)
            return ShapeResult.Fail($"Unflatten cannot split {size} into [{string.Join(", ", Sizes)}] ({product} elements)");
        var dims = input.Dims.Take((int)dim - 1).Concat(Sizes.Select(s => (long?)s)).Concat(input.Dims.Skip((int)dim));
        return ShapeResult.Ok(new TensorShape(dims.ToImmutableArray()));
    }

    public override string Describe() => $"Unflatten({Dim}, [{string.Join(", ", Sizes)}])";
}
