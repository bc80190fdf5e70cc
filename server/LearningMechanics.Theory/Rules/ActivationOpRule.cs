using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for an <see cref="Activation"/> node: dispatches to the activation's <see cref="ActivationRule"/>.</summary>
/// <remarks>
/// Elementwise phi on a Gaussian input: Sigma' = E[phi(u)phi(v)], Theta' = E[phi'(u)phi'(v)] Theta.     THEORY.md §2, §6.1
/// No theory for Softmax/LogSoftmax (not elementwise; THEORY.md §13) or for a non-Gaussian input (for example an
/// activation applied to another activation's output).
/// </remarks>
public sealed record ActivationOpRule : IOpRule
{
    public string Describe() => "Sigma' = E[phi(u)phi(v)], Theta' = E[phi'(u)phi'(v)] Theta over the Gaussian input (ActivationRule)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var activation = (Activation)context.Node.Op;
        var kernel = context.Inputs[0].Kernel!;
        if (Activations.For(activation) is not { } rule)
            return NodeState.Unknown($"no theory: {activation.Kind} is not elementwise, and mean-field kernels do not cover it (THEORY.md §13)", context.Node.Id);
        if (rule == AbReluRule.Identity)
            return NodeState.Of(kernel);
        if (!kernel.IsGaussian)
            return NodeState.Unknown(
                $"no theory: input to {rule.Name} is not Gaussian (no random affine op precedes it), so the Gaussian expectations do not apply",
                context.Node.Id);
        return NodeState.Of(rule.Apply(kernel, context.Quadrature, context.CancellationToken));
    }
}
