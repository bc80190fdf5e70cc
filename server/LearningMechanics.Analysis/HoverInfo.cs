using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>Hover text (Markdown, numbers first, assumptions after) and the span it describes.</summary>
public sealed record HoverInfo(string Markdown, SourceSpan Span);
