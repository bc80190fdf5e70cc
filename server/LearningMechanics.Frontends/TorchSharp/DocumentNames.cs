using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The type names a document declares (outside method bodies, as <see cref="ModelCollector"/> indexes them) and every
/// identifier it mentions: a syntactic over-approximation of which other documents its reading can depend on. Computed
/// per member and type header; after an edit, the members outside the edited span are taken from the previous version's
/// names, so an edit walks only the edited member's tokens.
/// </summary>
internal sealed record DocumentNames(HashSet<string> Declared, HashSet<string> Mentioned, Dictionary<(int Start, int End), DocumentNames.Unit> Units)
{
    public sealed record Unit(string[] Declared, string[] Mentioned);

    /// <summary>
    /// The names of <paramref name="tree"/>; units of <paramref name="previous"/> (the names of the text before
    /// <paramref name="change"/>) that lie wholly outside the change are reused by their shifted span, not walked again.
    /// </summary>
    public static DocumentNames Of(SyntaxTree tree, DocumentNames? previous, TextChange? change)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot();
        var units = new Dictionary<(int, int), Unit>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        var delta = change is { } c ? c.NewText!.Length - c.Span.Length : 0;
        foreach (var (node, name) in Split(root.Members))
        {
            var (start, end) = (node.FullSpan.Start, node.FullSpan.End);
            Unit? unit = null;
            if (previous is not null && change is { } edit && name is null)
            {
                var old = end <= edit.Span.Start ? (start, end)
                    : start >= edit.Span.Start + edit.NewText!.Length ? (start - delta, end - delta)
                    : ((int, int)?)null;
                if (old is { } span && previous.Units.TryGetValue(span, out var reused))
                    unit = reused;
            }
            unit ??= Walk(node, name);
            units[(start, end)] = unit;
            declared.UnionWith(unit.Declared);
            mentioned.UnionWith(unit.Mentioned);
        }
        mentioned.ExceptWith(declared);
        return new DocumentNames(declared, mentioned, units);
    }

    /// <summary>
    /// The document cut into small units: a type's header (its name, base list, attributes and
    /// primary constructor) and each of its members, nested types and namespaces followed, global statements one by one.
    /// </summary>
    private static IEnumerable<(SyntaxNode Node, string? Declares)> Split(SyntaxList<MemberDeclarationSyntax> members)
    {
        foreach (var member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    foreach (var inner in Split(ns.Members))
                        yield return inner;
                    break;
                case TypeDeclarationSyntax type:
                    yield return (type, type.Identifier.ValueText);
                    foreach (var inner in Split(type.Members))
                        yield return inner;
                    break;
                default:
                    yield return (member, null);
                    break;
            }
        }
    }

    private static Unit Walk(SyntaxNode node, string? declares)
    {
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        // A type's unit covers its header only; its members are units of their own.
        IEnumerable<SyntaxNode?> parts = node is TypeDeclarationSyntax type
            ? [.. type.AttributeLists, type.TypeParameterList, type.ParameterList, type.BaseList]
            : [node];
        foreach (var part in parts.OfType<SyntaxNode>())
        {
            foreach (var token in part.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax)
                    mentioned.Add(token.ValueText);
            }
        }
        return new Unit(declares is null ? [] : [declares], [.. mentioned]);
    }
}
