using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for LayerNorm (gain 1, bias 0 at init) over the feature dimension.</summary>
/// <remarks>
/// Per-example normalisation over the units: subtract the unit mean, divide by the unit standard deviation. At infinite
/// width the unit mean of x is m(x) = E[h(x)] (the activation's common mode, 0 after an affine op) and the unit variance
/// is q(x) - m(x)^2, so                                                                                    THEORY.md §2
///   Sigma'(x, x') = (Sigma(x, x') - m m') / sqrt((q - m^2)(q' - m'^2)),   q' = 1 whatever q was,
///   Theta'(x, x') = Theta(x, x') / sqrt((q - m^2)(q' - m'^2))   (the tangent's unit mean is O(1/width))
///   plus, with an elementwise affine, the gain's and bias's own tangent terms: + Sigma' + 1[bias].
/// Centering removes the common mode that ReLU-like activations add: two orthogonal inputs after ReLU have correlation
/// 1/pi, and 0 again after a LayerNorm [D, not checked against a paper]. The forward length can neither explode nor vanish.
/// The Jacobian's projection terms are O(1/width) and dropped (neural-tangents stax.LayerNorm). Evidence: [D].
/// </remarks>
public sealed record LayerNormRule : IOpRule
{
    public string Describe() => "Sigma' = (Sigma - m m')/sqrt((q - m^2)(q' - m'^2)), q' = 1 (centred; plus affine tangent terms)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var layerNorm = (LayerNorm)context.Node.Op;
        return Normalise(context.Inputs[0].Kernel!, layerNorm.ElementwiseAffine, layerNorm.HasBias, "LayerNorm", context.Node.Id);
    }

    /// <summary>Centred per-example normalisation over many units (LayerNorm, and GroupNorm per group).</summary>
    internal static NodeState Normalise(KernelMatrix kernel, bool affine, bool hasBias, string kind, int nodeId)
    {
        var variance = Enumerable.Range(0, kernel.Count).Select(i => kernel.Q(i) - kernel.Mean(i) * kernel.Mean(i)).ToArray();
        if (variance.Any(v => !(v > 0)))
            return NodeState.Unknown($"no theory: {kind} of a signal with zero variance over units (eps dominates)", nodeId);
        return NodeState.Of(kernel.MapPairs(
            (i, j) =>
            {
                var norm = Math.Sqrt(variance[i] * variance[j]);
                var sigma = (kernel.Sigma(i, j) - kernel.Mean(i) * kernel.Mean(j)) / norm;
                var affineTerms = affine ? sigma + (hasBias ? 1 : 0) : 0;
                return (sigma, kernel.Theta(i, j) / norm + affineTerms, kernel.SigmaDot(i, j));
            },
            isGaussian: kernel.IsGaussian,
            isFreshAffine: false));
    }
}
