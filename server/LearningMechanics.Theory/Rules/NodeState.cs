using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// What the theory knows about one node's output: its kernels, or why there is no theory for it. A node downstream of a
/// "no theory" node inherits the reason and <see cref="StoppedAt"/>, the node where propagation stopped.
/// </summary>
public sealed record NodeState(KernelMatrix? Kernel, string? NoTheory, int? StoppedAt)
{
    public bool IsKnown => Kernel is not null;

    public static NodeState Of(KernelMatrix kernel) => new(kernel, null, null);

    public static NodeState Unknown(string reason, int stoppedAt) => new(null, reason, stoppedAt);
}
