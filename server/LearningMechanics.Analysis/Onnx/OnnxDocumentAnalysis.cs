using LearningMechanics.Frontends.Onnx;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>An .onnx file's analysis: the document view the editor shows, plus the per-file report (null when unreadable).</summary>
public sealed record OnnxDocumentAnalysis(DocumentAnalysis Document, OnnxModelReport? Report)
{
    /// <summary>Some layer's spectrum is still to be computed (<see cref="OnnxDocumentAnalyzer.CompleteSpectra"/>).</summary>
    public bool SpectraPending => Report?.Layers.Any(l => l.Fit.Status == PowerLawFitStatus.Pending) ?? false;
}
