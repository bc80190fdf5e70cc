using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The type names a document declares (outside method bodies, as <see cref="ModelCollector"/> indexes them) and every
/// identifier it mentions: a syntactic over-approximation of which other documents its reading can depend on.
/// </summary>
internal sealed record DocumentNames(HashSet<string> Declared, HashSet<string> Mentioned)
{
    public static DocumentNames Of(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        var declared = root.DescendantNodes(n => n is not BlockSyntax).OfType<TypeDeclarationSyntax>()
            .Select(t => t.Identifier.ValueText).ToHashSet(StringComparer.Ordinal);
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in root.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax)
                mentioned.Add(token.ValueText);
        }
        mentioned.ExceptWith(declared);
        return new DocumentNames(declared, mentioned);
    }
}
