using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// Kernel rule for <see cref="PReLU"/>: at initialisation every slope equals <c>init</c>, so the layer is
/// LeakyReLU(init) and the a-b ReLU kernel applies (THEORY.md §2); training moves the slopes, which this does not model.
/// </summary>
public sealed record PReLURule : IOpRule
{
    public string Describe() => "at init PReLU = LeakyReLU(init): the LeakyReLU Gaussian kernel (ActivationRule)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var prelu = (PReLU)context.Node.Op;
        var kernel = context.Inputs[0].Kernel!;
        var rule = Activations.For(new Activation(ActivationKind.LeakyReLU, prelu.Init))!;
        if (!kernel.IsGaussian)
            return NodeState.Unknown(
                $"no theory: input to {rule.Name} is not Gaussian (no random affine op precedes it), so the Gaussian expectations do not apply",
                context.Node.Id);
        return NodeState.Of(rule.Apply(kernel, context.Quadrature));
    }
}
