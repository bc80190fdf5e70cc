using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.ZeroPad2d</c>, <c>ConstantPad1d/2d/3d</c>, <c>ReflectionPad*</c>, <c>ReplicationPad*</c>: <see cref="Padding"/> is
/// (left, right, top, bottom, front, back) as in TorchSharp's tuple overloads, starting from the last dimension.
/// </summary>
public sealed record Pad(string Name, ImmutableArray<long> Padding, double Value = 0) : Op
{
    public override string Kind => Name;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Unknown;
        var input = inputs[0];
        var padded = Padding.Length / 2;
        if (padded > input.Rank)
            return ShapeResult.Fail($"{Name} pads {padded} dimensions but the input {input} has {input.Rank}");
        var dims = input.Dims.ToBuilder();
        for (var i = 0; i < padded; i++)
        {
            var at = input.Rank - 1 - i;
            dims[at] = dims[at] is long d ? d + Padding[2 * i] + Padding[2 * i + 1] : null;
        }
        return ShapeResult.Ok(new TensorShape(dims.ToImmutable()));
    }

    public override string Describe() => $"{Name}({string.Join(", ", Padding)})";
}
