using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for a residual sum h' = h + alpha * branch (alpha = Add.BranchScale, applied to inputs after the first).</summary>
/// <remarks>
/// With the branch uncorrelated with the skip at init:                                                    THEORY.md §2, §4.1
///   Sigma' = Sigma_skip + alpha^2 Sigma_branch,   Theta' = Theta_skip + alpha^2 Theta_branch
/// e.g. a He-init ReLU branch gives q^L = q^0 (1 + alpha^2)^L; alpha = 1/sqrt(L) keeps it bounded (-> e q^0);
/// a pre-LN branch grows q linearly. Source: neural-tangents FanInSum; Yang and Schoenholz 2017 [U]. Evidence: [D].
/// Regime: the cross term vanishes only when every input but one ends in a fresh random affine op (zero-mean weights
/// independent of the other path); otherwise there is no theory here.
/// </remarks>
public sealed record AddRule : IOpRule
{
    public string Describe() => "Sigma' = Sigma_0 + alpha^2 sum Sigma_k (uncorrelated branches)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var add = (Add)context.Node.Op;
        var kernels = context.Inputs.Select(s => s.Kernel!).ToList();
        if (kernels.Count(k => !k.IsFreshAffine) > 1)
            return NodeState.Unknown(
                "no theory: more than one input of this Add does not end in a random affine op, so the inputs are correlated and their covariance is not modelled",
                context.Node.Id);
        var alpha2 = add.BranchScale * add.BranchScale;
        var first = kernels[0];
        return NodeState.Of(first.MapPairs(
            (i, j) =>
            {
                var (sigma, theta) = (first.Sigma(i, j), first.Theta(i, j));
                foreach (var branch in kernels.Skip(1))
                {
                    sigma += alpha2 * branch.Sigma(i, j);
                    theta += alpha2 * branch.Theta(i, j);
                }
                return (sigma, theta, 1.0);
            },
            isGaussian: kernels.All(k => k.IsGaussian),
            isFreshAffine: kernels.All(k => k.IsFreshAffine)));
    }
}
