namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for the model input: Sigma^0(x, x') = x·x'/n_0, Theta^0 = 0, from the probe inputs.</summary>
/// <remarks>
/// The probes are either one input with E[x^2] = Input.SecondMoment (the q-map) or a data sample (kernels on data).
/// Only x·x'/n_0 enters the first affine layer at infinite width (THEORY.md §2 failure modes), so the input need not
/// be Gaussian; it is marked Gaussian so that an activation applied to raw Gaussian inputs is allowed. Evidence: [D].
/// </remarks>
public sealed record InputRule : IOpRule
{
    public string Describe() => "Sigma^0 = x·x'/n_0 from the probe inputs (THEORY.md §6.1)";

    public NodeState Apply(OpRuleContext context) => NodeState.Of(context.InputKernel);
}
