using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>Per-node measurements of one probe run, the batch size used, the time it took, and what went wrong (as findings).</summary>
public sealed record OnnxProbeResult(ImmutableArray<OnnxMeasurement> Measurements, int BatchSize, TimeSpan Elapsed, ImmutableArray<Finding> Findings);
