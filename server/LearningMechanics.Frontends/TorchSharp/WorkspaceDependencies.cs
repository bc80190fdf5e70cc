using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The other documents one document is read with (those declaring type names it mentions, transitively), the names
/// declared in several of them (name to files, never resolved), and a stamp of both with the documents' contents.
/// </summary>
internal sealed record WorkspaceDependencies(ImmutableArray<SyntaxTree> Trees, ImmutableDictionary<string, ImmutableArray<string>> Ambiguous, string Stamp)
{
    public static WorkspaceDependencies None { get; } = new([], ImmutableDictionary<string, ImmutableArray<string>>.Empty, "");

    /// <summary>Same trees (by reference: an edit makes a new tree) and the same ambiguous names.</summary>
    public bool SameAs(WorkspaceDependencies other) =>
        Trees.SequenceEqual(other.Trees) && Ambiguous.Count == other.Ambiguous.Count
        && Ambiguous.All(a => other.Ambiguous.TryGetValue(a.Key, out var files) && files.SequenceEqual(a.Value));
}
