using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for inverted dropout with keep probability rho = 1 - p, in training mode.</summary>
/// <remarks>
/// Masks are independent per example, so only the diagonal gains 1/rho:                                     THEORY.md §2
///   Sigma'(x, x) = Sigma(x, x) / rho,   Sigma'(x, x') = Sigma(x, x')   (likewise Theta)
/// hence q^{l+1} = (sigma_w^2/rho) E[phi^2] + sigma_b^2 after the next layer, c = 1 is no longer a fixed point, and
/// dropout destroys the order-to-chaos critical point (Schoenholz et al. 2017). Evidence: [V] abstract, [D] formula.
/// Regime: training mode (in eval mode dropout is the identity).
/// </remarks>
public sealed record DropoutRule : IOpRule
{
    public string Describe() => "Sigma'(x,x) = Sigma(x,x)/rho, off-diagonal unchanged (training mode)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var dropout = (Dropout)context.Node.Op;
        var rho = 1 - dropout.P;
        if (!(0 < rho && rho <= 1))
            return NodeState.Unknown($"no theory: Dropout(p = {dropout.P}) keeps no units", context.Node.Id);
        var kernel = context.Inputs[0].Kernel!;
        return NodeState.Of(kernel.MapPairs(
            (i, j) =>
            {
                var gain = i == j ? 1 / rho : 1;
                return (gain * kernel.Sigma(i, j), gain * kernel.Theta(i, j), kernel.SigmaDot(i, j));
            },
            isGaussian: false,
            isFreshAffine: kernel.IsFreshAffine));
    }
}
