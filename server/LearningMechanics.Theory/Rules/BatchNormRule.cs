using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for BatchNorm with batch statistics (gain 1, bias 0 at init): forward only, with a warning.</summary>
/// <remarks>
/// Normalises each channel over the batch, so the mean length over the batch becomes 1:                    THEORY.md §2, §4.2
///   Sigma'(x, x') = Sigma(x, x') / mean_batch q,   Theta' likewise (plus affine tangent terms)
/// Batch centering is ignored (exact for zero-mean pre-activations with many probes). The backward pass is where BN
/// matters: in deep BN nets without skips gradients grow exponentially with depth (Yang et al. 2019 [V abstract];
/// the per-layer rate is [U]). The engine reports that as the caveat "batchnorm-gradient-explosion". Evidence: [D].
/// </remarks>
public sealed record BatchNormRule : IOpRule
{
    public string Describe() => "Sigma' = Sigma / mean_batch q (forward); gradients explode with depth without skips (warning)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var batchNorm = (BatchNorm)context.Node.Op;
        var kernel = context.Inputs[0].Kernel!;
        var meanQ = kernel.MeanQ;
        if (!(meanQ > 0))
            return NodeState.Unknown("no theory: BatchNorm of a signal with zero length (eps dominates)", context.Node.Id);
        return NodeState.Of(kernel.MapPairs(
            (i, j) =>
            {
                var sigma = kernel.Sigma(i, j) / meanQ;
                var affine = batchNorm.Affine ? sigma + 1 : 0;
                return (sigma, kernel.Theta(i, j) / meanQ + affine, kernel.SigmaDot(i, j));
            },
            isGaussian: kernel.IsGaussian,
            isFreshAffine: false));
    }
}
