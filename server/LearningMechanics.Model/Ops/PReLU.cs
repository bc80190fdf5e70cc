using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.PReLU(num_parameters, init = 0.25)</c>: LeakyReLU with a learned slope per channel (one shared slope when
/// <see cref="NumParameters"/> is 1); at initialisation it is LeakyReLU(<see cref="Init"/>).
/// </summary>
public sealed record PReLU(long NumParameters = 1, double Init = 0.25) : Op
{
    public override string Kind => "PReLU";

    public override long ParameterCount => NumParameters;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (NumParameters > 1 && inputs.Length > 0 && inputs[0].IsRankKnown && inputs[0].Rank > 0
            && inputs[0].Dims[0] is long channels && channels != NumParameters)
            return ShapeResult.Fail($"PReLU has {NumParameters} slopes but the input has {channels} channels (input shape {inputs[0]})");
        return ShapeResult.PassThrough(inputs);
    }

    public override string Describe() => $"PReLU({NumParameters}, init {Init})";
}
