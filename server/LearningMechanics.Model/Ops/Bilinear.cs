using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Bilinear(in1_features, in2_features, out_features, hasBias)</c>: y_k = x1^T A_k x2 + b_k, A of shape [out, in1, in2].</summary>
public sealed record Bilinear(long In1Features, long In2Features, long OutFeatures, bool HasBias = true) : Op
{
    public override string Kind => "Bilinear";

    public override long ParameterCount => In1Features * In2Features * OutFeatures + (HasBias ? OutFeatures : 0);

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length != 2)
            return ShapeResult.Ok(TensorShape.Of(OutFeatures));
        foreach (var (input, expected, which) in new[] { (inputs[0], In1Features, "first"), (inputs[1], In2Features, "second") })
        {
            if (input.Last is long last && last != expected)
                return ShapeResult.Fail($"Bilinear expects {expected} features on its {which} input but receives {last} (input shape {input})");
        }
        if (!inputs[0].IsRankKnown || inputs[0].Rank == 0)
            return ShapeResult.Ok(TensorShape.Of(OutFeatures));
        return ShapeResult.Ok(new TensorShape(inputs[0].Dims.SetItem(inputs[0].Rank - 1, OutFeatures)));
    }

    public override string Describe() => $"Bilinear ({In1Features}, {In2Features}) → {OutFeatures}{(HasBias ? "" : ", no bias")}";
}
