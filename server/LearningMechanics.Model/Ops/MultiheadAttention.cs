using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.MultiheadAttention(embedded_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim, vdim)</c> (libtorch's layout):
/// in_proj [3E, E] when kdim = vdim = E, else q/k/v projections [E, E], [E, kdim], [E, vdim]; in_proj_bias [3E] and
/// out_proj bias [E] when bias; out_proj [E, E]; bias_k and bias_v [E] each when add_bias_kv. Output has the query's shape.
/// </summary>
public sealed record MultiheadAttention(long EmbedDim, long NumHeads, bool HasBias = true, bool AddBiasKv = false, long? KDim = null, long? VDim = null, double DropoutP = 0) : Op
{
    public override string Kind => "MultiheadAttention";

    public override long ParameterCount
    {
        get
        {
            var e = EmbedDim;
            var k = KDim ?? e;
            var v = VDim ?? e;
            var projections = e * e + e * k + e * v;
            return projections + (HasBias ? 3 * e : 0) + e * e + (HasBias ? e : 0) + (AddBiasKv ? 2 * e : 0);
        }
    }

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Ok(new TensorShape([null, EmbedDim]));
        if (EmbedDim % NumHeads != 0)
            return ShapeResult.Fail($"MultiheadAttention: embed dim {EmbedDim} is not divisible by {NumHeads} heads");
        if (inputs[0].Last is long last && last != EmbedDim)
            return ShapeResult.Fail($"MultiheadAttention expects query features {EmbedDim} but receives {last} (input shape {inputs[0]})");
        return ShapeResult.Ok(inputs[0]);
    }

    public override string Describe() => $"MultiheadAttention {EmbedDim}, {NumHeads} heads";
}
