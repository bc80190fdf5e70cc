using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>
/// The arguments of a call keyed by parameter name. Names come from the bound TorchSharp overload when the semantic model
/// resolved the call, from the reader's own signature table otherwise, and from <c>name:</c> when written.
/// </summary>
internal sealed class CallArguments
{
    private readonly Dictionary<string, ArgumentSyntax> _byName = new(StringComparer.Ordinal);

    private CallArguments(IReadOnlyList<ArgumentSyntax> all) => All = all;

    public IReadOnlyList<ArgumentSyntax> All { get; }

    public static CallArguments Bind(BaseArgumentListSyntax? list, IMethodSymbol? method, IReadOnlyList<string> fallbackNames)
    {
        var args = list?.Arguments.ToList() ?? [];
        var result = new CallArguments(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? name = arg.NameColon?.Name.Identifier.ValueText;
            if (name is null)
            {
                if (method is not null && i < method.Parameters.Length)
                    name = method.Parameters[i].Name;
                else if (method is null && i < fallbackNames.Count)
                    name = fallbackNames[i];
            }
            if (name is not null)
                result._byName.TryAdd(name, arg);
        }
        return result;
    }

    public ExpressionSyntax? Get(string name) => _byName.TryGetValue(name, out var arg) ? arg.Expression : null;

    /// <summary>The first of several spellings that is present (TorchSharp renamed some parameters between versions).</summary>
    public ExpressionSyntax? Get(params string[] names)
    {
        foreach (var name in names)
        {
            if (_byName.TryGetValue(name, out var arg))
                return arg.Expression;
        }
        return null;
    }
}
