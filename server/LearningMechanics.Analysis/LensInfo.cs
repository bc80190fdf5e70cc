using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>A code lens: a title over <see cref="Span"/>, clickable when <see cref="Command"/> is set (arguments: document, model name); <see cref="Tooltip"/> is shown on hover (LSP 3.18 Command.tooltip).</summary>
public sealed record LensInfo(SourceSpan Span, string Title, string? Command, string? ModelName, string? Tooltip = null);
