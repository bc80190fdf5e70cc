using System.Collections.Immutable;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Graph;

/// <summary>Builds a <see cref="ModelGraph"/> node by node; <see cref="Then"/> chains onto the last node added.</summary>
public sealed class GraphBuilder
{
    private readonly List<Node> _nodes = [];
    private readonly string _name;
    private readonly ModelOrigin _origin;

    public GraphBuilder(string name, ModelOrigin origin, TensorShape? inputShape = null, double inputSecondMoment = 1.0)
    {
        _name = name;
        _origin = origin;
        _nodes.Add(new Node(0, "input", new Input(inputShape ?? TensorShape.UnknownRank, inputSecondMoment), []));
    }

    public int Last => _nodes.Count - 1;

    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Adds a node fed by the given earlier nodes and returns its id.</summary>
    public int Add(Op op, IEnumerable<int> inputs, string? name = null, SourceSpan? span = null, InitSpec? weightInit = null, InitSpec? biasInit = null)
    {
        var id = _nodes.Count;
        var inputIds = inputs.ToImmutableArray();
        if (inputIds.Any(i => i < 0 || i >= id))
            throw new ArgumentException($"node inputs must refer to earlier nodes (0..{id - 1}), got [{string.Join(", ", inputIds)}]", nameof(inputs));
        _nodes.Add(new Node(id, name ?? $"{op.Kind.ToLowerInvariant()}{id}", op, inputIds, span, weightInit, biasInit));
        return id;
    }

    public int Then(Op op, string? name = null, SourceSpan? span = null, InitSpec? weightInit = null, InitSpec? biasInit = null) =>
        Add(op, [Last], name, span, weightInit, biasInit);

    /// <summary>Replaces the init of an existing node (init calls come after construction in TorchSharp code).</summary>
    public void SetInit(int id, InitSpec? weightInit, InitSpec? biasInit)
    {
        var node = _nodes[id];
        _nodes[id] = node with { WeightInit = weightInit ?? node.WeightInit, BiasInit = biasInit ?? node.BiasInit };
    }

    public ModelGraph Build(TrainingSetup? training = null, SourceSpan? span = null, int? output = null) =>
        new(_name, _origin, _nodes.ToImmutableArray(), output ?? Last, training ?? TrainingSetup.None, span);
}
