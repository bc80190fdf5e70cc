using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Editor;

/// <summary>A source edit: replace the text in <see cref="Span"/> (UTF-16 positions; empty span = insert) with <see cref="NewText"/>.</summary>
public sealed record TextEditInfo(SourceSpan Span, string NewText);

/// <summary>
/// A quick fix in editor terms: a title, the edits that make it, and the finding it answers (if any). <see cref="Kind"/> is
/// an LSP code action kind ("quickfix", "refactor.rewrite").
/// </summary>
public sealed record CodeActionInfo(string Title, string Kind, ImmutableArray<TextEditInfo> Edits, bool IsPreferred, string? FindingCode);
