using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory;

namespace LearningMechanics.Analysis;

/// <summary>One model with its shapes, per-layer predictions, summary figures, predictions and findings.</summary>
public sealed record ModelAnalysis(
    ModelGraph Graph,
    ShapeInference.Result Shapes,
    ImmutableArray<LayerRow> Layers,
    ModelSummary Summary,
    ImmutableArray<Prediction> Predictions,
    ImmutableArray<Finding> Findings);
