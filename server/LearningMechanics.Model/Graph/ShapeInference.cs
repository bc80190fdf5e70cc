using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Graph;

/// <summary>Forward shape inference over the graph; each op's own rule (<see cref="Ops.Op.InferShape"/>) does the work.</summary>
public static class ShapeInference
{
    public sealed record Result(ImmutableArray<TensorShape> Shapes, ImmutableArray<Finding> Findings)
    {
        public TensorShape OutputOf(int node) => Shapes[node];
    }

    public static Result Run(ModelGraph graph)
    {
        var shapes = new TensorShape[graph.Nodes.Length];
        var findings = ImmutableArray.CreateBuilder<Finding>();
        foreach (var node in graph.Nodes)
        {
            var inputs = node.Inputs.Select(i => shapes[i]).ToImmutableArray();
            var result = node.Op.InferShape(inputs);
            shapes[node.Id] = result.Shape;
            if (result.Error is { } error)
                findings.Add(new Finding("shape-mismatch", Severity.Error, $"{node.Name}: {error}", node.Span, graph.Name));
        }
        return new Result(shapes.ToImmutableArray(), findings.ToImmutable());
    }
}
