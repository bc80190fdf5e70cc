using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// Splits a document into independent parts for incremental reading: the top-level type declarations (and the global
/// statements as one unit) joined when one mentions a type the other declares. A part's reading depends only on its own
/// text, its position and the document's usings, so after an edit only the parts whose key changed are read again.
/// </summary>
internal static class DocumentPartition
{
    /// <summary>One independent part: its units (top-level types or global statements) and its cache key.</summary>
    public sealed record Part(ImmutableArray<SyntaxNode> Units, string Key);

    /// <summary>What a unit declares and mentions, cached by the unit's text (the token walk is the costly step).</summary>
    public sealed record UnitNames(ImmutableArray<string> Declared, IReadOnlySet<string> Mentioned);

    public static ImmutableArray<Part> Of(CompilationUnitSyntax root, Dictionary<string, UnitNames> namesCache, Dictionary<string, UnitNames> namesUsed, CancellationToken ct)
    {
        var units = new List<(SyntaxNode Node, string Text)>();
        var preamble = new StringBuilder();
        var text = root.SyntaxTree.GetText(ct);
        var globals = root.Members.OfType<GlobalStatementSyntax>().ToList();
        if (globals.Count > 0)
            units.Add((root, string.Concat(globals.Select(g => $"{g.GetLocation().GetLineSpan().StartLinePosition}|{text.ToString(g.FullSpan)}"))));
        Collect(root.Members, units, preamble, root.Usings, root.Externs, text);
        var names = units.Select(u =>
        {
            ct.ThrowIfCancellationRequested();
            if (!namesCache.TryGetValue(u.Text, out var found))
                found = Names(u.Node, u.Text);
            namesUsed[u.Text] = found;
            return found;
        }).ToList();

        var parent = Enumerable.Range(0, units.Count).ToArray();
        int FindRoot(int i) => parent[i] == i ? i : parent[i] = FindRoot(parent[i]);
        var declaredBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++)
        {
            foreach (var name in names[i].Declared)
                declaredBy.TryAdd(name, i);
        }
        for (var i = 0; i < units.Count; i++)
        {
            foreach (var name in names[i].Mentioned)
            {
                if (declaredBy.TryGetValue(name, out var j))
                    parent[FindRoot(i)] = FindRoot(j);
            }
        }
        var prefix = preamble.ToString();
        return Enumerable.Range(0, units.Count).GroupBy(FindRoot).Select(group =>
        {
            var key = new StringBuilder(prefix);
            foreach (var i in group)
            {
                var start = units[i].Node is CompilationUnitSyntax ? default : units[i].Node.GetLocation().GetLineSpan().StartLinePosition;
                key.Append('\u0001').Append(start.Line).Append(':').Append(start.Character).Append('\u0002').Append(units[i].Text);
            }
            return new Part(group.Select(i => units[i].Node).ToImmutableArray(), key.ToString());
        }).ToImmutableArray();
    }

    private static void Collect(SyntaxList<MemberDeclarationSyntax> members, List<(SyntaxNode, string)> units, StringBuilder preamble,
        SyntaxList<UsingDirectiveSyntax> usings, SyntaxList<ExternAliasDirectiveSyntax> externs, Microsoft.CodeAnalysis.Text.SourceText text)
    {
        foreach (var directive in externs)
            preamble.Append(directive.ToString()).Append('\n');
        foreach (var directive in usings)
            preamble.Append(directive.ToString()).Append('\n');
        foreach (var member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    preamble.Append("namespace ").Append(ns.Name.ToString()).Append('\n');
                    Collect(ns.Members, units, preamble, ns.Usings, ns.Externs, text);
                    break;
                case GlobalStatementSyntax:
                    break;
                default:
                    units.Add((member, text.ToString(member.FullSpan)));
                    break;
            }
        }
    }

    private static UnitNames Names(SyntaxNode unit, string text)
    {
        var declared = unit is CompilationUnitSyntax
            ? []
            : unit.DescendantNodesAndSelf(n => n is not BlockSyntax and not ArrowExpressionClauseSyntax and not BaseFieldDeclarationSyntax)
                .OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.ValueText).ToImmutableArray();
        // Every identifier-like word of the text (comments and strings included): a superset of the names the unit
        // mentions, which at worst joins two parts that are independent. Much cheaper than walking the tokens.
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < text.Length;)
        {
            if (char.IsLetter(text[i]) || text[i] == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                mentioned.Add(text[start..i]);
            }
            else
            {
                i++;
            }
        }
        return new UnitNames(declared, mentioned);
    }
}
