using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Rules;

/// <summary>Everything an op rule may read: the node, its inputs' states and shapes, and the probe kernel of the model input.</summary>
public sealed record OpRuleContext(
    Node Node,
    ImmutableArray<NodeState> Inputs,
    ImmutableArray<TensorShape> InputShapes,
    KernelMatrix InputKernel,
    Parameterization Parameterization)
{
    /// <summary>How activations without closed forms are evaluated on many pairs (tables by default).</summary>
    public KernelQuadrature Quadrature { get; init; } = KernelQuadrature.Tabulated;

    /// <summary>Checked by rules with per-pair loops, so a superseded analysis stops within one row of pairs.</summary>
    public CancellationToken CancellationToken { get; init; }
}
