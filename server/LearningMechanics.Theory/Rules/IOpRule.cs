namespace LearningMechanics.Theory.Rules;

/// <summary>
/// The infinite-width rule of one op kind: maps its inputs' kernels to its output kernel. A rule never returns NaN;
/// when it cannot apply it returns <see cref="NodeState.Unknown"/> with the reason and, where there is one, the fix.
/// </summary>
public interface IOpRule
{
    /// <summary>One line for the rule table: the formula or the reason there is none.</summary>
    string Describe();

    NodeState Apply(OpRuleContext context);
}
