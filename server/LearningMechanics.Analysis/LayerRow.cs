using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>
/// One node in editor terms. <see cref="Q"/> is the predicted mean of the node's output squared (THEORY.md §2);
/// <see cref="QRatio"/> is Q over the previous weight layer's Q; <see cref="Chi"/> the per-layer gradient gain (§4.1).
/// </summary>
public sealed record LayerRow(
    int NodeId,
    string Name,
    string Kind,
    string Description,
    TensorShape InputShape,
    TensorShape OutputShape,
    long Parameters,
    double? SigmaW2,
    double? SigmaB2,
    string? Init,
    double? Q,
    double? QRatio,
    double? Chi,
    string? NoTheoryReason,
    SourceSpan? Span);
