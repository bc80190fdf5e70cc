using LearningMechanics.Frontends.Onnx;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>An .onnx file's analysis: the document view the editor shows, plus the per-file report (null when unreadable).</summary>
public sealed record OnnxDocumentAnalysis(DocumentAnalysis Document, OnnxModelReport? Report);
