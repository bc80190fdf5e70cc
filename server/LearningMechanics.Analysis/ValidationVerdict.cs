using System.Collections.Immutable;
using LearningMechanics.Model.Values;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis;

/// <summary>
/// The outcome of validating one model: per-prediction verdicts, the finding shown in the editor, and the content
/// hash of the document it was computed for (a verdict is shown only while the text is unchanged).
/// </summary>
public sealed record ValidationVerdict(
    string ModelName,
    string ContentHash,
    ImmutableArray<Verdict> Verdicts,
    Finding Finding,
    string Headline,
    string Device,
    double ElapsedSeconds)
{
    /// <summary>The trainer's forward statistics per node (q, output-gradient second moments), for the report's depth charts.</summary>
    public ImmutableArray<LayerMeasurement> Layers { get; init; } = [];

    /// <summary>The measured and predicted loss curve of the validation run, when it ran one.</summary>
    public Editor.ReportLossCurve? LossCurve { get; init; }

    public string Stamp => $"{ModelName}:{ContentHash}:{Headline}";

    public int Confirmed => Verdicts.Count(v => v.Outcome == VerdictOutcome.Confirmed);

    public int Refuted => Verdicts.Count(v => v.Outcome == VerdictOutcome.Refuted);
}
