using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.LayerNorm(normalizedShape, eps, elementwiseAffine, bias)</c>: normalises over the trailing dimensions.</summary>
public sealed record LayerNorm(ImmutableArray<long> NormalizedShape, bool ElementwiseAffine = true, bool HasBias = true, double Eps = 1e-5) : Op
{
    public override string Kind => "LayerNorm";

    private long NormalizedElements => NormalizedShape.Aggregate(1L, (a, d) => a * d);

    public override long ParameterCount => ElementwiseAffine ? NormalizedElements * (HasBias ? 2 : 1) : 0;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Unknown;
        var input = inputs[0];
        if (input.Rank < NormalizedShape.Length)
            return ShapeResult.Fail($"LayerNorm over {Format()} needs at least {NormalizedShape.Length} dimensions, input is {input}");
        for (var i = 0; i < NormalizedShape.Length; i++)
        {
            var dim = input.Dims[input.Rank - NormalizedShape.Length + i];
            if (dim is long d && d != NormalizedShape[i])
                return ShapeResult.Fail($"LayerNorm normalises over {Format()} but the input shape is {input}");
        }
        return ShapeResult.Ok(input);
    }

    private string Format() => "[" + string.Join(", ", NormalizedShape) + "]";

    public override string Describe() => $"LayerNorm {Format()}";
}
