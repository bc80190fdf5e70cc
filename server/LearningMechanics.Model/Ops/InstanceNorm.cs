using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.InstanceNorm1d/2d/3d(num_features, eps, momentum, affine = false, track_running_stats = false)</c>: normalises
/// each channel of each sample over its spatial positions; weights only when <see cref="Affine"/>.
/// </summary>
public sealed record InstanceNorm(int SpatialDims, long NumFeatures, bool Affine = false, double Eps = 1e-5) : Op
{
    public override string Kind => $"InstanceNorm{SpatialDims}d";

    public override long ParameterCount => Affine ? 2 * NumFeatures : 0;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown || inputs[0].Rank == 0)
            return ShapeResult.PassThrough(inputs);
        if (inputs[0].Dims[0] is long c && c != NumFeatures && Affine)
            return ShapeResult.Fail($"{Kind} expects {NumFeatures} channels but receives {c} (input shape {inputs[0]})");
        return ShapeResult.Ok(inputs[0]);
    }

    public override string Describe() => $"{Kind}({NumFeatures}{(Affine ? ", affine" : "")})";
}
