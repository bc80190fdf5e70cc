using LearningMechanics.Model.Ops;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis.Editor;

/// <summary>
/// Gradient size by depth, relative to the readout: ||delta^l||^2 / ||delta^L||^2 at each weight layer's output
/// (THEORY.md §4.1), predicted as the product of the per-layer gains chi from the layer to the readout, measured from the
/// trainer's backward pass of the probe scalar S = sum(output · r) as (output elements × mean squared gradient).
/// </summary>
public static class GradientProfile
{
    public static IReadOnlyDictionary<int, double> Predicted(ModelAnalysis model)
    {
        var weights = WeightLayers(model);
        var result = new Dictionary<int, double>();
        if (weights.Count == 0)
            return result;
        var gain = 1.0;
        result[weights[^1].NodeId] = gain;
        for (var idx = weights.Count - 2; idx >= 0; idx--)
        {
            if (weights[idx].Chi is not { } chi)
                break;
            gain *= chi;
            result[weights[idx].NodeId] = gain;
        }
        return result;
    }

    public static IReadOnlyDictionary<int, double> Measured(ModelAnalysis model, IReadOnlyList<LayerMeasurement> measurements)
    {
        var result = new Dictionary<int, double>();
        var weights = WeightLayers(model);
        if (weights.Count == 0 || measurements.Count == 0)
            return result;
        double? Norm(LayerRow layer) =>
            measurements.FirstOrDefault(m => m.NodeId == layer.NodeId)?.GradientSecondMoment is { } g && Elements(layer) is { } n ? g * n : null;
        if (Norm(weights[^1]) is not { } readout || !(readout > 0))
            return result;
        foreach (var layer in weights)
        {
            if (Norm(layer) is { } norm)
                result[layer.NodeId] = norm / readout;
        }
        return result;
    }

    private static List<LayerRow> WeightLayers(ModelAnalysis model) =>
        model.Layers.Where(l => model.Graph[l.NodeId].Op is Linear or Conv).ToList();

    /// <summary>
    /// Output elements per sample, or null when a dimension is unknown. Shapes are per sample ("[64]"); a leading unknown
    /// dimension is a batch dimension and is left out (it is the same for every layer, so it cancels in the ratio).
    /// </summary>
    private static double? Elements(LayerRow layer)
    {
        var dims = layer.OutputShape.Dims;
        var perSample = dims.Length > 1 && dims[0] is null ? dims.Skip(1).ToList() : dims.ToList();
        if (perSample.Count == 0 || perSample.Any(d => d is null))
            return null;
        return perSample.Aggregate(1.0, (a, d) => a * d!.Value);
    }
}
