using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for LayerNorm (gain 1, bias 0 at init) over the feature dimension.</summary>
/// <remarks>
/// Per-example normalisation to unit length: q' = 1 whatever q was, and the correlation is kept:            THEORY.md §2
///   Sigma'(x, x') = Sigma(x, x') / sqrt(q(x) q(x')),   Theta'(x, x') = Theta(x, x') / sqrt(q(x) q(x'))
///   plus, with an elementwise affine, the gain's and bias's own tangent terms: + Sigma' + 1[bias].
/// So the forward length can neither explode nor vanish. Centering is exact for zero-mean (pre-activation) inputs;
/// for post-activation inputs (ReLU, GELU) LayerNorm also removes the common mode, which this rule ignores [D, not checked].
/// The Jacobian's projection terms are O(1/width) and dropped (neural-tangents stax.LayerNorm). Evidence: [D].
/// </remarks>
public sealed record LayerNormRule : IOpRule
{
    public string Describe() => "Sigma' = Sigma/sqrt(q q'), q' = 1 (plus affine tangent terms)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var layerNorm = (LayerNorm)context.Node.Op;
        var kernel = context.Inputs[0].Kernel!;
        if (Enumerable.Range(0, kernel.Count).Any(i => !(kernel.Q(i) > 0)))
            return NodeState.Unknown("no theory: LayerNorm of a signal with zero length (eps dominates)", context.Node.Id);
        return NodeState.Of(kernel.MapPairs(
            (i, j) =>
            {
                var norm = Math.Sqrt(kernel.Q(i) * kernel.Q(j));
                var sigma = kernel.Sigma(i, j) / norm;
                var affine = layerNorm.ElementwiseAffine ? sigma + (layerNorm.HasBias ? 1 : 0) : 0;
                return (sigma, kernel.Theta(i, j) / norm + affine, kernel.SigmaDot(i, j));
            },
            isGaussian: kernel.IsGaussian,
            isFreshAffine: false));
    }
}
