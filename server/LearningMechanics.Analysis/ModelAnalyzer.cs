using System.Collections.Immutable;
using LearningMechanics.Analysis.Findings;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory;

namespace LearningMechanics.Analysis;

/// <summary>One model graph to a <see cref="ModelAnalysis"/>: shapes, theory, editor rows and findings.</summary>
public static class ModelAnalyzer
{
    public static ModelAnalysis Analyze(ModelGraph graph)
    {
        var shapes = graph.InferShapes();
        var theory = TheoryEngine.Analyze(graph);
        var layers = graph.Nodes.Select(node => Row(graph, shapes, theory, node)).ToImmutableArray();
        var summary = new ModelSummary(
            graph.ParameterCount,
            graph.ParameterCountIsExact,
            theory.Depth,
            theory.Chi1,
            theory.Phase?.ToString().ToLowerInvariant() ?? "unknown",
            theory.XiC,
            theory.TrainableDepth,
            theory.LengthFactor,
            theory.FiniteWidthBeta,
            LearningRates.Summarize(graph, theory));
        var findings = shapes.Findings.AddRange(ModelFindings.From(new ModelAnalysisParts(graph, summary, layers)));
        return new ModelAnalysis(graph, shapes, layers, summary, theory.Predictions, findings);
    }

    private static LayerRow Row(ModelGraph graph, ShapeInference.Result shapes, TheoryReport theory, Node node)
    {
        var signal = theory.Layer(node.Id);
        var inputShape = node.Inputs.Length > 0 ? shapes.OutputOf(node.Inputs[0]) : shapes.OutputOf(node.Id);
        var init = node.Op.Fans is null ? null : (node.WeightInit ?? Model.Init.TorchDefaultInit.Instance).Describe();
        return new LayerRow(node.Id, node.Name, node.Op.Kind, node.Op.Describe(), inputShape, shapes.OutputOf(node.Id), node.Op.ParameterCount,
            signal.SigmaW2, signal.SigmaB2, init, signal.Q, signal.QRatio, signal.Chi, signal.NoTheory, node.Span);
    }
}
