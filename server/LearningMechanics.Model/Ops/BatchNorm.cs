using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.BatchNorm1d/2d/3d(numFeatures, affine)</c>; normalises each channel over the batch (and spatial positions).</summary>
public sealed record BatchNorm(int SpatialDims, long NumFeatures, bool Affine = true, double Eps = 1e-5) : Op
{
    public override string Kind => SpatialDims switch { 0 or 1 => "BatchNorm1d", _ => $"BatchNorm{SpatialDims}d" };

    public override long ParameterCount => Affine ? 2 * NumFeatures : 0;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown || inputs[0].Rank == 0)
            return ShapeResult.PassThrough(inputs);
        var channels = inputs[0].Dims[0];
        if (channels is long c && c != NumFeatures)
            return ShapeResult.Fail($"{Kind} expects {NumFeatures} features but receives {c} (input shape {inputs[0]})");
        return ShapeResult.Ok(inputs[0]);
    }

    public override string Describe() => $"{Kind}({NumFeatures})";
}
