using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>The entry for ops the frontends could not map: no theory, with the frontend's reason.</summary>
public sealed record UnknownOpRule : IOpRule
{
    public string Describe() => "no theory: the op was not understood by the frontend";

    public NodeState Apply(OpRuleContext context)
    {
        var op = (UnknownOp)context.Node.Op;
        return NodeState.Unknown($"no theory: {op.TypeName} was not understood ({op.Reason})", context.Node.Id);
    }
}
