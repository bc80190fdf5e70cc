namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for ops that move units without changing them (Flatten): the kernel passes through. Evidence: [D].</summary>
public sealed record PassThroughRule : IOpRule
{
    public string Describe() => "Sigma' = Sigma, Theta' = Theta (units rearranged, values unchanged)";

    public NodeState Apply(OpRuleContext context) => OpRules.FirstUnknown(context) ?? context.Inputs[0];
}
