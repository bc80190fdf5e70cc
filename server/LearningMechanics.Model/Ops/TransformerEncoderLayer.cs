using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

public enum FeedForwardActivation
{
    ReLU,
    GELU,
}

/// <summary>
/// <c>nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation)</c> (post-norm, libtorch's layout):
/// self-attention (4·d² + 4·d), linear1 d → ff, linear2 ff → d, and two LayerNorms (2·d each).
/// </summary>
public sealed record TransformerEncoderLayer(long DModel, long NumHeads, long DimFeedforward = 2048, double DropoutP = 0.1, FeedForwardActivation Activation = FeedForwardActivation.ReLU) : Op
{
    public override string Kind => "TransformerEncoderLayer";

    public override long ParameterCount =>
        new MultiheadAttention(DModel, NumHeads).ParameterCount
        + DModel * DimFeedforward + DimFeedforward
        + DimFeedforward * DModel + DModel
        + 2 * (2 * DModel);

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (DModel % NumHeads != 0)
            return ShapeResult.Fail($"TransformerEncoderLayer: d_model {DModel} is not divisible by {NumHeads} heads");
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Ok(new TensorShape([null, DModel]));
        if (inputs[0].Last is long last && last != DModel)
            return ShapeResult.Fail($"TransformerEncoderLayer expects {DModel} features but receives {last} (input shape {inputs[0]})");
        return ShapeResult.Ok(inputs[0]);
    }

    public override string Describe() => $"TransformerEncoderLayer d={DModel}, {NumHeads} heads, ff={DimFeedforward}";
}

/// <summary><c>nn.TransformerEncoder(encoder_layer, num_layers)</c>: <see cref="NumLayers"/> independent copies of the layer.</summary>
public sealed record TransformerEncoder(TransformerEncoderLayer Layer, long NumLayers) : Op
{
    public override string Kind => "TransformerEncoder";

    public override long ParameterCount => NumLayers * Layer.ParameterCount;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => Layer.InferShape(inputs);

    public override string Describe() => $"TransformerEncoder {NumLayers} × ({Layer.Describe()})";
}
