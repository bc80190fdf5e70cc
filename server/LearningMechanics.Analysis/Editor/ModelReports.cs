using System.Collections.Immutable;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Frontends.Onnx;

namespace LearningMechanics.Analysis.Editor;

/// <summary>Builds <see cref="DocumentReport"/>s: predictions paired with measurements, nothing recomputed.</summary>
public static class ModelReports
{
    /// <summary>Rows beyond this many are counted in <see cref="ModelReport.TotalLayers"/> but not sent (large ONNX graphs).</summary>
    public const int MaxLayers = 2000;

    public static DocumentReport For(
        DocumentAnalysis analysis,
        string? modelName,
        Func<string, ValidationVerdict?> verdictOf,
        OnnxModelReport? onnx = null,
        OnnxProbeResult? probe = null,
        Func<string, (LrLimitResult? Limit, LrRangeResult? Range)>? lrOf = null)
    {
        var probeByNode = probe?.Measurements.Where(m => m.ModelNode is not null)
            .GroupBy(m => m.ModelNode!.Value).ToDictionary(g => g.Key, g => g.Last().MeanSquare) ?? [];
        var models = analysis.Models
            .Where(m => modelName is null || m.Graph.Name == modelName)
            .Select(m => Model(m, verdictOf(m.Graph.Name), onnx, probeByNode) is var report && lrOf?.Invoke(m.Graph.Name) is var (limit, range)
                ? report with { LrLimit = limit, LrRange = range }
                : report)
            .ToImmutableArray();
        var file = onnx is null ? null : new OnnxFileReport(
            onnx.FileBytes, onnx.IrVersion, onnx.Producer,
            string.Join(", ", onnx.Opsets.Select(o => $"{(o.Domain == "" ? "ai.onnx" : o.Domain)} {o.Version}")),
            onnx.GraphName, onnx.ParameterCount, onnx.Nodes.Length,
            onnx.UnknownOps.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}").ToImmutableArray(),
            probe?.BatchSize, probe?.Elapsed.TotalMilliseconds,
            probe?.Findings.Select(f => f.Message).ToImmutableArray() ?? []);
        return new DocumentReport(analysis.Path, models, file, analysis.Findings.Select(f => $"{f.Code}: {f.Message}").ToImmutableArray());
    }

    private static ModelReport Model(ModelAnalysis model, ValidationVerdict? verdict, OnnxModelReport? onnx, IReadOnlyDictionary<int, double> probeByNode)
    {
        var measured = verdict?.Verdicts
            .Where(v => v.Prediction.NodeId is not null && v.Measured is not null)
            .GroupBy(v => v.Prediction.NodeId!.Value)
            .ToDictionary(g => g.Key, g => g.Last().Measured!.Value) ?? [];
        var weights = onnx?.Layers.GroupBy(l => l.ModelNode).ToDictionary(g => g.Key, g => g.First()) ?? [];
        var rows = model.Layers.Where(l => model.Graph[l.NodeId].Op is not LearningMechanics.Model.Ops.Input).ToList();
        var predictedGradient = GradientProfile.Predicted(model);
        var measuredGradient = GradientProfile.Measured(model, verdict?.Layers ?? []);
        var layers = rows.Take(MaxLayers).Select((l, depth) => new ReportLayer(
            l.NodeId, depth, l.Name, l.Kind, l.Description, l.InputShape.ToString(), l.OutputShape.ToString(), l.Parameters, l.Init,
            F(l.Q), measured.TryGetValue(l.NodeId, out var m) ? F(m) : null, probeByNode.TryGetValue(l.NodeId, out var p) ? F(p) : null, F(l.Chi),
            weights.TryGetValue(l.NodeId, out var w) ? Weights(w) : null)
        {
            PredictedGradient = predictedGradient.TryGetValue(l.NodeId, out var pg) ? F(pg) : null,
            MeasuredGradient = measuredGradient.TryGetValue(l.NodeId, out var mg) ? F(mg) : null,
        }).ToImmutableArray();
        var lr = model.Summary.LearningRate is { } rate
            ? new ReportLearningRate(rate.Optimizer, rate.Declared.IsKnown ? F(rate.Declared.Value) : null, F(rate.MonotoneLimit), F(rate.DivergenceLimit), rate.Convention)
            : null;
        var validation = verdict is null ? null : new ReportValidation(verdict.Headline, verdict.Finding.Code, verdict.Device, verdict.ElapsedSeconds);
        var summary = model.Summary;
        return new ModelReport(model.Graph.Name, summary.Parameters, summary.ParametersExact, summary.Depth, summary.Phase, F(summary.Chi1),
            F(summary.TrainableDepth), lr, validation, layers, rows.Count)
        {
            PhaseDiagram = onnx is null || rows.Count <= MaxLayers ? PhaseDiagrams.For(model) : null,
            LossCurve = verdict?.LossCurve,
        };
    }

    private static ReportWeights Weights(OnnxWeightLayer layer) =>
        new(layer.Initializer, "[" + string.Join(", ", layer.Shape) + "]", F(layer.Mean) ?? 0, F(layer.Variance) ?? 0, F(layer.SigmaW2) ?? 0, F(layer.SpectralNorm),
            F(layer.StableRank), F(layer.Fit.Alpha), layer.Fit.Status.ToString(), layer.Fit.Reason);

    /// <summary>Only finite numbers leave the report: JSON has no NaN or infinity, and the view shows null as "—".</summary>
    private static double? F(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
