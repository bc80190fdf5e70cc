using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Linear(inputSize, outputSize, hasBias)</c>: y = x W^T + b, W of shape [out, in].</summary>
public sealed record Linear(long InFeatures, long OutFeatures, bool HasBias = true) : Op
{
    public override string Kind => "Linear";

    public override long ParameterCount => InFeatures * OutFeatures + (HasBias ? OutFeatures : 0);

    public override WeightFans? Fans => new(InFeatures, OutFeatures);

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Ok(TensorShape.Of(OutFeatures));
        var input = inputs[0];
        if (input.Rank == 0)
            return ShapeResult.Fail($"Linear expects at least one feature dimension, got a scalar");
        if (input.Last is long last && last != InFeatures)
            return ShapeResult.Fail($"Linear expects {InFeatures} input features but receives {last} (input shape {input})");
        return ShapeResult.Ok(new TensorShape(input.Dims.SetItem(input.Rank - 1, OutFeatures)));
    }

    public override string Describe() => $"Linear {InFeatures} → {OutFeatures}{(HasBias ? "" : ", no bias")}";
}
