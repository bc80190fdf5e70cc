using System.Collections.Immutable;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Graph;

/// <summary>
/// The same architecture at another width (THEORY.md §9.1, "n = width multiplier relative to a base model"): every hidden
/// width (the output features or channels of every weight layer except the last) is multiplied by the multiplier; the
/// input and output dimensions stay. Layers whose size follows from their input (a Linear's in-features, a norm's
/// features, a Linear after Flatten) are resized by shape inference in graph order. Inits are kept as declared, so a
/// fan-in normalised init stays fan-in normalised at every width: that is the standard parameterization of the base model.
/// </summary>
public static class GraphWidths
{
    /// <summary>The rescaled graph, or the reason it cannot be rescaled.</summary>
    public static (ModelGraph? Graph, string? Error) Scale(ModelGraph graph, double multiplier)
    {
        if (multiplier <= 0 || double.IsNaN(multiplier))
            return (null, $"width multiplier {multiplier} must be positive");
        var weightNodes = graph.WeightNodes.Select(n => n.Id).ToArray();
        if (weightNodes.Length < 2)
            return (null, "a width sweep needs at least one hidden layer (two weight layers)");
        var readout = weightNodes[^1];
        var shapes = new TensorShape[graph.Nodes.Length];
        var nodes = ImmutableArray.CreateBuilder<Node>(graph.Nodes.Length);
        foreach (var node in graph.Nodes)
        {
            if (node.WeightInit is MeasuredInit || node.BiasInit is MeasuredInit)
                return (null, $"'{node.Name}' has stored weights; a width sweep needs the declared init");
            var inputs = node.Inputs.Select(i => shapes[i]).ToImmutableArray();
            var input = inputs.IsEmpty ? null : inputs[0];
            Op? op = node.Op switch
            {
                Input => node.Op,
                Linear linear when input?.Last is long features =>
                    linear with { InFeatures = features, OutFeatures = node.Id == readout ? linear.OutFeatures : Scaled(linear.OutFeatures, multiplier) },
                Conv { Groups: 1 } conv when input is { IsRankKnown: true, Rank: > 1 } && input.Dims[^(conv.SpatialDims + 1)] is long channels =>
                    conv with { InChannels = channels, OutChannels = node.Id == readout ? conv.OutChannels : Scaled(conv.OutChannels, multiplier) },
                BatchNorm norm when Channels(input, norm.SpatialDims) is long channels => norm with { NumFeatures = channels },
                GroupNorm norm when input is { IsRankKnown: true, Rank: > 0 } && input.Dims[0] is long channels && channels % norm.NumGroups == 0 =>
                    norm with { NumChannels = channels },
                LayerNorm { NormalizedShape.Length: 1 } norm when input?.Last is long features => norm with { NormalizedShape = [features] },
                Activation or Dropout or Add or Flatten or Pool => node.Op,
                _ => null,
            };
            if (op is null)
                return (null, $"'{node.Name}' ({node.Op.Kind}) cannot be resized by a width sweep");
            var result = op.InferShape(inputs);
            if (result.Error is not null || !result.Shape.IsFullyKnown)
                return (null, $"'{node.Name}' at width x{multiplier}: {result.Error ?? "shape unknown"}");
            shapes[node.Id] = result.Shape;
            nodes.Add(node with { Op = op });
        }
        return (graph with { Name = $"{graph.Name}@x{multiplier:G3}", Nodes = nodes.MoveToImmutable() }, null);
    }

    /// <summary>The hidden width of the rescaled graph's first weight layer (the x-axis of a coord check).</summary>
    public static long FirstHiddenWidth(ModelGraph graph) => graph.WeightNodes.First().Op switch
    {
        Linear linear => linear.OutFeatures,
        Conv conv => conv.OutChannels,
        _ => 0,
    };

    private static long Scaled(long width, double multiplier) => Math.Max(1, (long)Math.Round(width * multiplier));

    private static long? Channels(TensorShape? input, int spatialDims) =>
        input is { IsRankKnown: true } && input.Rank >= spatialDims + 1 ? input.Dims[^(spatialDims + 1)] : null;
}
