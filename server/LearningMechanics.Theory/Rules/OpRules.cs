namespace LearningMechanics.Theory.Rules;

/// <summary>Helpers shared by the op rules.</summary>
internal static class OpRules
{
    /// <summary>The first unknown input, passed on unchanged, or null when all inputs are known.</summary>
    public static NodeState? FirstUnknown(OpRuleContext context)
    {
        if (context.Inputs.IsEmpty)
            return NodeState.Unknown($"{context.Node.Name} has no inputs", context.Node.Id);
        return context.Inputs.FirstOrDefault(s => !s.IsKnown);
    }
}
