using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>Looks up each prediction's quantity in an experiment's measurements and judges it (<see cref="Verdict.Judge"/>).</summary>
public static class Verdicts
{
    public static ImmutableArray<Verdict> Judge(ImmutableArray<PredictedValue> predictions, ImmutableArray<LayerMeasurement> layers, ImmutableDictionary<string, double> scalars)
    {
        if (predictions.IsDefaultOrEmpty)
            return [];
        return predictions.Select(p => Verdict.Judge(p, Measure(p, layers, scalars))).ToImmutableArray();
    }

    private static double? Measure(PredictedValue prediction, ImmutableArray<LayerMeasurement> layers, ImmutableDictionary<string, double> scalars)
    {
        var layer = prediction.NodeId is int id ? layers.FirstOrDefault(l => l.NodeId == id) : null;
        switch (prediction.Quantity)
        {
            case "q":
                return layer?.SecondMoment;
            case "grad-norm-squared":
                return layer?.GradientNormSquared;
            case "grad-second-moment":
                return layer?.GradientSecondMoment;
            case "q-ratio":
                if (layer is null)
                    return null;
                var previous = layers.LastOrDefault(l => l.NodeId < layer.NodeId && l.WeightSigmaW2 is not null);
                return previous is null || previous.SecondMoment == 0 ? null : layer.SecondMoment / previous.SecondMoment;
            default:
                return scalars.TryGetValue(prediction.Quantity, out var value) ? value : null;
        }
    }
}
