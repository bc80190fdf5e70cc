using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Kernels;

/// <summary>Runs the op rules over the graph in topological order: neural-tangents' <c>serial</c>, generalised to a DAG.</summary>
public static class KernelPropagation
{
    /// <summary>The state of every node's output for the given probe kernel at the input.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled (checked per node and
    /// per row of pairs inside activation rules).</exception>
    public static ImmutableArray<NodeState> Run(
        ModelGraph graph, KernelMatrix inputKernel, Parameterization parameterization, KernelQuadrature quadrature = KernelQuadrature.Tabulated,
        CancellationToken cancellationToken = default)
    {
        var shapes = graph.InferShapes().Shapes;
        var states = new NodeState[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new OpRuleContext(
                node,
                node.Inputs.Select(i => states[i]).ToImmutableArray(),
                node.Inputs.Select(i => shapes[i]).ToImmutableArray(),
                inputKernel,
                parameterization) { Quadrature = quadrature, CancellationToken = cancellationToken };
            states[node.Id] = RuleTable.For(node.Op).Apply(context);
        }
        return states.ToImmutableArray();
    }
}
