using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>The nodes recorded while symbolically running <c>forward</c>; node ids are indices into <see cref="Nodes"/>.</summary>
internal sealed class GraphTrace
{
    public sealed record PendingNode(int Id, Op Op, int[] Inputs, string? Name, SourceSpan? Span, LayerModule? Module);

    public List<PendingNode> Nodes { get; } = [];

    /// <summary>Every module that <c>forward</c> applied, directly or through a container.</summary>
    public HashSet<ModuleValue> Used { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The node that first applied each layer: later applications share its weights.</summary>
    public Dictionary<LayerModule, int> Owners { get; } = new(ReferenceEqualityComparer.Instance);

    public int Add(Op op, int[] inputs, string? name, SourceSpan? span, LayerModule? module = null)
    {
        var id = Nodes.Count;
        Nodes.Add(new PendingNode(id, op, inputs, name, span, module));
        return id;
    }
}
