using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for GroupNorm (gain 1, bias 0 at init): LayerNorm within each group of channels.</summary>
/// <remarks>
/// Each group normalises its channels (and positions) per example. At infinite width every group holds infinitely many
/// i.i.d. channels, so every group sees the same unit mean m(x) and variance q(x) - m(x)^2 as the whole layer, and the
/// kernel is the centred LayerNorm one (<see cref="LayerNormRule"/>):                                   THEORY.md §2, [D]
///   Sigma'(x, x') = (Sigma(x, x') - m m') / sqrt((q - m^2)(q' - m'^2)).
/// Regime: many channels per group (num_channels/num_groups large); with few channels per group the normalising
/// statistics fluctuate per example and the rule is an approximation. Evidence: [D].
/// </remarks>
public sealed record GroupNormRule : IOpRule
{
    public string Describe() => "as LayerNorm within each group: Sigma' = (Sigma - m m')/sqrt((q - m^2)(q' - m'^2))";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var groupNorm = (GroupNorm)context.Node.Op;
        return LayerNormRule.Normalise(context.Inputs[0].Kernel!, groupNorm.Affine, groupNorm.Affine, "GroupNorm", context.Node.Id);
    }
}
