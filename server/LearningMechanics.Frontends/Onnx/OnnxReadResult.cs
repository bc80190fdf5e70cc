using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>The model graph of an ONNX file (none when unreadable), the findings, and the per-file report (null when unreadable).</summary>
public sealed record OnnxReadResult(ImmutableArray<ModelGraph> Models, ImmutableArray<Finding> Findings, OnnxModelReport? Report);
