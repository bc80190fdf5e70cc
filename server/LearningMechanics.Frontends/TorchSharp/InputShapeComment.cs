using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LearningMechanics.Model.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The comment convention that declares a model's input shape, batch dimension excluded:
/// <code>// [InputShape(1, 28, 28)]</code> or <code>// lmech: input [1, 28, 28]</code>
/// written on a line of the comments directly above the model class, the <c>var model = ...</c> statement, or the method
/// that returns the model. A dimension may be <c>?</c> when it varies (<c>// [InputShape(3, ?, ?)]</c>).
/// Without it the reader takes the shape from <c>learningmechanics.json</c> (<see cref="WorkspaceSettings"/>), then the
/// input size from the first layer (Linear in_features, Conv channels).
/// </summary>
public static partial class InputShapeComment
{
    [GeneratedRegex(@"\[\s*InputShape\s*\(([^)]*)\)\s*\]|lmech:\s*input\s*\[([^\]]*)\]")]
    private static partial Regex Pattern();

    /// <summary>Parses the convention from comment text; null when absent or malformed.</summary>
    public static TensorShape? Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
            return null;
        var dims = ImmutableArray.CreateBuilder<long?>();
        foreach (var part in (match.Groups[1].Success ? match.Groups[1] : match.Groups[2]).Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "?")
                dims.Add(null);
            else if (long.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var dim) && dim > 0)
                dims.Add(dim);
            else
                return null;
        }
        return new TensorShape(dims.ToImmutable());
    }

    internal static TensorShape? Find(SyntaxNode anchor)
    {
        var node = anchor switch
        {
            VariableDeclaratorSyntax v => (SyntaxNode?)v.FirstAncestorOrSelf<StatementSyntax>() ?? v,
            _ => anchor,
        };
        foreach (var trivia in node.GetLeadingTrivia())
        {
            if (trivia.ToString() is var text && (text.Contains("InputShape", StringComparison.Ordinal) || text.Contains("lmech:", StringComparison.Ordinal)) && Parse(text) is { } shape)
                return shape;
        }
        return null;
    }
}
