using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.MeanField;

namespace LearningMechanics.Analysis.Editor;

/// <summary>The model's place in the order/chaos plane of its hidden activation (THEORY.md §3).</summary>
public static class PhaseDiagrams
{
    /// <summary>Points sampled on the critical line.</summary>
    public const int LinePoints = 25;

    /// <summary>
    /// The hidden weight layers are those whose output goes (directly) into an elementwise activation with a mean-field rule;
    /// the diagram uses the most common such activation and the median sigma_w^2, sigma_b^2 of the layers that feed it.
    /// Null when the model has no such layer or its variances are unknown.
    /// </summary>
    public static ReportPhaseDiagram? For(ModelAnalysis model)
    {
        var hidden = model.Layers
            .Where(l => l.SigmaW2 is not null && model.Graph[l.NodeId].Op is Linear or Conv)
            .Select(l => (Layer: l, Activation: model.Graph.Nodes.FirstOrDefault(n => n.Inputs.Contains(l.NodeId) && n.Op is Activation { IsElementwise: true })?.Op as Activation))
            .Where(x => x.Activation is not null && Theory.Rules.Activations.For(x.Activation) is not null)
            .ToList();
        if (hidden.Count == 0)
            return null;
        var activation = hidden.GroupBy(x => x.Activation!).OrderByDescending(g => g.Count()).First();
        var phi = Theory.Rules.Activations.For(activation.Key)!;
        var sigmaW2 = Median(activation.Select(x => x.Layer.SigmaW2!.Value));
        var sigmaB2 = Median(activation.Select(x => x.Layer.SigmaB2 ?? 0));
        var top = Math.Max(0.5, 2 * sigmaB2);
        var grid = Enumerable.Range(0, LinePoints).Select(i => top * i / (LinePoints - 1)).ToImmutableArray();
        var chi1 = MeanFieldTheory.Chi1At(phi, sigmaW2, sigmaB2);
        var phase = Math.Abs(chi1 - 1) <= MeanFieldTheory.PhaseTolerance ? "critical" : chi1 < 1 ? "ordered" : "chaotic";
        return new ReportPhaseDiagram(phi.Name, sigmaW2, sigmaB2, double.IsFinite(chi1) ? chi1 : null, phase, grid, CriticalLine.SigmaW2(phi, grid));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
