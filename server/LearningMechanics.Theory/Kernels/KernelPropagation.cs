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
            states[node.Id] = Step(node, states, shapes, inputKernel, parameterization, quadrature, cancellationToken);
        return states.ToImmutableArray();
    }

    /// <summary>
    /// The output node's state alone. Same result as <see cref="Run"/>, but each intermediate kernel is dropped after its
    /// last consumer and its arrays go back to <see cref="PackedPool"/> for the next rule: a 50-layer net on 256 probes
    /// then keeps two layers' kernels alive instead of a hundred.
    /// </summary>
    public static NodeState RunToOutput(
        ModelGraph graph, KernelMatrix inputKernel, Parameterization parameterization, KernelQuadrature quadrature = KernelQuadrature.Tabulated,
        CancellationToken cancellationToken = default)
    {
        var shapes = graph.InferShapes().Shapes;
        var states = new NodeState?[graph.Nodes.Length];
        var lastUse = new int[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                lastUse[input] = Math.Max(lastUse[input], node.Id);
        var keep = new HashSet<double[]>(inputKernel.Buffers, ReferenceEqualityComparer.Instance);
        var returned = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
        {
            states[node.Id] = Step(node, states!, shapes, inputKernel, parameterization, quadrature, cancellationToken);
            foreach (var input in node.Inputs.Distinct())
            {
                if (lastUse[input] != node.Id || input == graph.Output || states[input]?.Kernel is not { } dead)
                    continue;
                states[input] = null;
                // Rules may pass a kernel (or its arrays) through unchanged: only arrays that no live state holds go back.
                var live = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
                foreach (var state in states)
                    if (state?.Kernel is { } kernel)
                        live.UnionWith(kernel.Buffers);
                foreach (var buffer in dead.Buffers)
                    if (!live.Contains(buffer) && !keep.Contains(buffer) && returned.Add(buffer))
                        PackedPool.Return(buffer);
            }
        }
        return states[graph.Output]!;
    }

    private static NodeState Step(
        Node node, NodeState[] states, ImmutableArray<Model.Shapes.TensorShape> shapes, KernelMatrix inputKernel, Parameterization parameterization,
        KernelQuadrature quadrature, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var context = new OpRuleContext(
            node,
            node.Inputs.Select(i => states[i]).ToImmutableArray(),
            node.Inputs.Select(i => shapes[i]).ToImmutableArray(),
            inputKernel,
            parameterization) { Quadrature = quadrature, CancellationToken = cancellationToken };
        return RuleTable.For(node.Op).Apply(context);
    }
}
