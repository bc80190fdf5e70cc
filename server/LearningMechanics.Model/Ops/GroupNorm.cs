using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.GroupNorm(num_groups, num_channels, eps, affine)</c>: weight and bias of [num_channels] when affine.</summary>
public sealed record GroupNorm(long NumGroups, long NumChannels, bool Affine = true, double Eps = 1e-5) : Op
{
    public override string Kind => "GroupNorm";

    public override long ParameterCount => Affine ? 2 * NumChannels : 0;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (NumGroups <= 0 || NumChannels % NumGroups != 0)
            return ShapeResult.Fail($"GroupNorm: {NumChannels} channels are not divisible into {NumGroups} groups");
        if (inputs.Length == 0 || !inputs[0].IsRankKnown || inputs[0].Rank == 0)
            return ShapeResult.PassThrough(inputs);
        if (inputs[0].Dims[0] is long c && c != NumChannels)
            return ShapeResult.Fail($"GroupNorm expects {NumChannels} channels but receives {c} (input shape {inputs[0]})");
        return ShapeResult.Ok(inputs[0]);
    }

    public override string Describe() => $"GroupNorm({NumGroups} groups, {NumChannels} channels)";
}
