using System.Collections.Immutable;
using LearningMechanics.Analysis.Findings;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis;

/// <summary>One model graph to a <see cref="ModelAnalysis"/>: shapes, theory, editor rows and findings.</summary>
public static class ModelAnalyzer
{
    private const int TheoryCacheCapacity = 512;

    // Design note: the theory (mean-field fixed points, the NTK on a sample for the learning-rate limit) is the costly part
    // of an analysis and depends only on what the model is, not on where it is written; an edit elsewhere in the file
    // must not pay for it again. Keyed by StructuralKey; cleared wholesale when full.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TheoryReport Theory, Theory.Learning.LrReport? Lr)> s_theory = new(StringComparer.Ordinal);

    /// <summary>
    /// Analyses one model. <paramref name="cancellationToken"/> reaches the theory's per-layer and per-pair loops, so a
    /// superseded analysis stops within milliseconds (OperationCanceledException) instead of running to the end.
    /// </summary>
    public static ModelAnalysis Analyze(ModelGraph graph, CancellationToken cancellationToken = default)
    {
        var shapes = graph.InferShapes();
        var (theory, lr) = TheoryOf(graph, cancellationToken);
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
            LearningRates.Summarize(graph, lr));
        var findings = shapes.Findings.AddRange(ModelFindings.From(new ModelAnalysisParts(graph, summary, layers)));
        return new ModelAnalysis(graph, shapes, layers, summary, theory.Predictions, findings);
    }

    private static (TheoryReport Theory, Theory.Learning.LrReport? Lr) TheoryOf(ModelGraph graph, CancellationToken cancellationToken)
    {
        var key = StructuralKey.Of(graph);
        if (s_theory.TryGetValue(key, out var cached))
            return cached;
        // A cancelled run throws before anything is cached: the cache only ever holds complete reports.
        var theory = TheoryEngine.Analyze(graph, cancellationToken);
        var lr = graph.Training.Optimizer is null ? null : Theory.Learning.LearningRateLimits.For(graph, theory, cancellationToken: cancellationToken);
        if (s_theory.Count >= TheoryCacheCapacity)
            s_theory.Clear();
        s_theory[key] = (theory, lr);
        return (theory, lr);
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
