namespace LearningMechanics.Theory.Rules;

/// <summary>The entry of an op kind without a mean-field rule: propagation stops here with <see cref="Reason"/>.</summary>
public sealed record NoTheoryRule(string Reason) : IOpRule
{
    public string Describe() => "no theory: " + Reason;

    public NodeState Apply(OpRuleContext context) => NodeState.Unknown($"no theory: {context.Node.Op.Kind}: {Reason}", context.Node.Id);
}
