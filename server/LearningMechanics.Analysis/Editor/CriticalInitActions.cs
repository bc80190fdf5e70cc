using System.Globalization;
using System.Text.RegularExpressions;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Analysis.Editor;

/// <summary>
/// "Use critical initialisation for this activation" for the Linear layers of a <c>Sequential(...)</c>: inserts, after the
/// statement that assigns the Sequential to <c>x</c>, a loop over <c>x.modules()</c> that gives every Linear a Kaiming-normal
/// weight with sigma_w^2 on the critical line and zero biases (the pattern the reader recognises, as in DeepReluHeInit.cs).
/// With sigma_b^2 = 0 the critical sigma_w^2 comes from the mean-field theory: 1/E[phi'^2] for the ReLU family (2 for ReLU),
/// 1/phi'(0)^2 for tanh-like phi (1 for tanh), the root of chi_1 = 1 otherwise (THEORY.md §3). kaiming_normal_(w, a) has
/// Var(W) fan_in = 2/(1 + a^2), so a = sqrt(2/sigma_w^2 - 1); rates above 2 cannot be written that way and get no action.
/// </summary>
public static class CriticalInitActions
{
    public static CodeActionInfo? ForSequential(ModelAnalysis model, LayerRow layer, string text)
    {
        if (model.Graph[layer.NodeId].Op is not Linear || layer.Span is not { } layerSpan || ActivationAfter(model, layer.NodeId) is not { } activation)
            return null;
        var layerOffset = SourceText.Offset(text, layerSpan.StartLine, layerSpan.StartCharacter);
        if (EnclosingSequential(text, layerOffset) is not var (open, close, variable, statementEnd) || variable is null)
            return null;
        var members = model.Layers
            .Where(l => model.Graph[l.NodeId].Op is Linear && l.Span is { } s && SourceText.Offset(text, s.StartLine, s.StartCharacter) is var at && at > open && at < close)
            .ToList();
        var hidden = members.Where(l => ActivationAfter(model, l.NodeId) is not null).ToList();
        if (hidden.Any(l => ActivationAfter(model, l.NodeId)!.Function != activation.Function))
            return null;
        var biases = members.Select(l => ((Linear)model.Graph[l.NodeId].Op).HasBias).Distinct().ToList();
        if (biases.Count != 1 || Activations.For(activation) is not { } phi)
            return null;
        var hasBias = biases[0];
        if (CriticalSigmaW2(phi) is not { } critical || critical > 2 || critical <= 0)
            return null;
        if (hidden.All(l => l.SigmaW2 is { } w && Math.Abs(w - critical) < 1e-6 && (l.SigmaB2 ?? 0) == 0))
            return null;

        var lineStart = text.LastIndexOf('\n', Math.Max(0, open - 1)) + 1;
        var indent = Regex.Match(text[lineStart..], @"^[ \t]*").Value;
        var a = Math.Sqrt(2 / critical - 1);
        var weightInit = Math.Abs(critical - 2) < 1e-12
            ? "TorchSharp.torch.nn.init.kaiming_normal_(linear.weight, nonlinearity: TorchSharp.torch.nn.init.NonlinearityType.ReLU);"
            : $"TorchSharp.torch.nn.init.kaiming_normal_(linear.weight, a: {a.ToString("0.######", CultureInfo.InvariantCulture)});";
        var body = hasBias
            ? $"{indent}    if (module is TorchSharp.Modules.Linear linear)\n{indent}    {{\n{indent}        {weightInit}\n{indent}        TorchSharp.torch.nn.init.zeros_(linear.bias);\n{indent}    }}\n"
            : $"{indent}    if (module is TorchSharp.Modules.Linear linear)\n{indent}        {weightInit}\n";
        var insert = $"{indent}foreach (var module in {variable}.modules())\n{indent}{{\n{body}{indent}}}\n";
        var at = SourceText.Position(text, statementEnd);
        var span = new SourceSpan(layerSpan.Path, at.Line, 0, at.Line, 0);
        var critText = critical.ToString("G4", CultureInfo.InvariantCulture);
        return new CodeActionInfo(
            $"Use critical initialisation for this activation: σw² = {critText}{(hasBias ? ", σb² = 0" : "")} for every Linear in {variable} ({phi.Name}, χ₁ = 1)",
            "quickfix", [new TextEditInfo(span, insert)], false, "vanishing-signal");
    }

    /// <summary>sigma_w^2 on the critical line at sigma_b^2 = 0 (THEORY.md §3).</summary>
    public static double? CriticalSigmaW2(ActivationRule phi) => CriticalLine.SigmaW2(phi, [0.0])[0];

    /// <summary>The elementwise activation this node feeds directly, when it has a mean-field rule.</summary>
    public static Activation? ActivationAfter(ModelAnalysis model, int nodeId) =>
        model.Graph.Nodes.Where(n => n.Inputs.Contains(nodeId)).Select(n => n.Op).OfType<Activation>()
            .FirstOrDefault(a => a.IsElementwise && a.Function != ActivationKind.Identity && Activations.For(a) is not null);

    /// <summary>
    /// The innermost <c>Sequential(</c> call around <paramref name="offset"/>: its parentheses, the variable it is assigned to
    /// (<c>x = Sequential(...)</c> or <c>var x = ...</c>) and the offset just after the statement's line. Null when not found.
    /// </summary>
    private static (int Open, int Close, string? Variable, int StatementEnd)? EnclosingSequential(string text, int offset)
    {
        (int, int, string?, int)? best = null;
        foreach (Match call in Regex.Matches(text, @"\bSequential\s*\("))
        {
            var open = call.Index + call.Length - 1;
            if (open >= offset)
                break;
            var close = MatchingParen(text, open);
            if (close < offset)
                continue;
            var before = Regex.Match(text[Math.Max(0, call.Index - 200)..call.Index], @"\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:[A-Za-z_][A-Za-z0-9_.]*\.)?$");
            var after = Regex.Match(text[(close + 1)..], @"^\s*;[^\n]*\n?");
            best = (open, close, before.Success ? before.Groups[1].Value : null, after.Success ? close + 1 + after.Length : -1);
        }
        return best is { } found && found.Item4 >= 0 ? found : null;
    }

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, skipping string and char literals; -1 when unbalanced.</summary>
    private static int MatchingParen(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                for (i++; i < text.Length && text[i] != c; i++)
                {
                    if (text[i] == '\\')
                        i++;
                }
                continue;
            }
            if (c == '(')
                depth++;
            else if (c == ')' && --depth == 0)
                return i;
        }
        return -1;
    }
}
