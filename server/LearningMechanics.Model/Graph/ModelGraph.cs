using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Graph;

/// <summary>
/// A model as a DAG of typed ops in topological order. Node 0 is normally the <see cref="Input"/>; <see cref="Output"/>
/// is the node whose value the model returns. The same record comes out of the TorchSharp and the ONNX frontends.
/// </summary>
public sealed record ModelGraph(
    string Name,
    ModelOrigin Origin,
    ImmutableArray<Node> Nodes,
    int Output,
    TrainingSetup Training,
    SourceSpan? Span = null)
{
    public long ParameterCount => Nodes.Sum(n => n.Op.ParameterCount);

    /// <summary>True when some op could not be mapped, so <see cref="ParameterCount"/> is a lower bound.</summary>
    public bool HasUnknownOps => Nodes.Any(n => n.Op is UnknownOp);

    /// <summary>Trainable tensors the model owns outside any node (raw <c>Parameter</c> fields) whose size was not counted.</summary>
    public ImmutableArray<string> UncountedParameters { get; init; } = [];

    /// <summary>True when <see cref="ParameterCount"/> is exactly what TorchSharp's <c>parameters()</c> would sum to.</summary>
    public bool ParameterCountIsExact => !HasUnknownOps && UncountedParameters.IsDefaultOrEmpty;

    public Node this[int id] => Nodes[id];

    /// <summary>The nodes that hold weights (Linear, Conv, Embedding...), in order.</summary>
    public IEnumerable<Node> WeightNodes => Nodes.Where(n => n.Op.Fans is not null);

    public TensorShape? InputShape => Nodes.Length > 0 && Nodes[0].Op is Input input ? input.Shape : null;

    /// <summary>True when every node has at most one input and feeds the next one: a plain feed-forward chain.</summary>
    public bool IsChain => Nodes.Select((n, i) => i == 0 ? n.Inputs.IsEmpty : n.Inputs.SequenceEqual([i - 1])).All(x => x);

    /// <summary>Number of weight layers (Linear/Conv) on the path: the depth L used by the depth rules.</summary>
    public int Depth => Nodes.Count(n => n.Op is Linear or Conv);

    public ShapeInference.Result InferShapes() => ShapeInference.Run(this);

    /// <summary>The node whose source span contains the position, innermost first.</summary>
    public Node? NodeAt(int line, int character) =>
        Nodes.Where(n => n.Span is { } s && s.Contains(line, character))
             .OrderBy(n => (n.Span!.Value.EndLine - n.Span.Value.StartLine) * 10000 + n.Span.Value.EndCharacter - n.Span.Value.StartCharacter)
             .FirstOrDefault();
}
