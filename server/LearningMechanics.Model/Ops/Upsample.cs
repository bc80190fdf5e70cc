using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.Upsample(size, scale_factor, mode)</c> over the spatial dimensions (all but the channel dimension): either a
/// target <see cref="Size"/> or a <see cref="ScaleFactor"/> per dimension (output = floor(input · scale), as PyTorch).
/// </summary>
public sealed record Upsample(ImmutableArray<long> Size, ImmutableArray<double> ScaleFactor, string Mode = "Nearest") : Op
{
    public override string Kind => "Upsample";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown || inputs[0].Rank < 2)
            return ShapeResult.Unknown;
        var input = inputs[0];
        var spatial = input.Rank - 1;
        var per = Size.IsDefaultOrEmpty ? ScaleFactor.Length : Size.Length;
        if (per != 1 && per != spatial)
            return ShapeResult.Fail($"Upsample gives {per} sizes for {spatial} spatial dimensions (input shape {input})");
        var dims = input.Dims.ToBuilder();
        for (var i = 0; i < spatial; i++)
        {
            var k = per == 1 ? 0 : i;
            dims[i + 1] = !Size.IsDefaultOrEmpty ? Size[k]
                : input.Dims[i + 1] is long d ? (long)Math.Floor(d * ScaleFactor[k]) : null;
        }
        return ShapeResult.Ok(new TensorShape(dims.ToImmutable()));
    }

    public override string Describe() => Size.IsDefaultOrEmpty
        ? $"Upsample(×{string.Join("x", ScaleFactor)}, {Mode})"
        : $"Upsample([{string.Join(", ", Size)}], {Mode})";
}
