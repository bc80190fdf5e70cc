using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Editor;

/// <summary>
/// Quick fixes that edit the source: "set the learning rate to the predicted safe value" and "use critical initialisation
/// for this activation" (He init for a Linear field that feeds a ReLU; the critical sigma_w^2 of the activation for the Linear
/// layers of a Sequential, see <see cref="CriticalInitActions"/>). Each is offered only where the edit is known to be right.
/// </summary>
public static class CodeActions
{
    /// <summary>The fraction of the predicted monotone-descent limit that the rate fix writes (a margin below the edge).</summary>
    public const double SafeFraction = 0.8;

    /// <summary>The actions whose source spans touch the lines <paramref name="startLine"/>..<paramref name="endLine"/> (inclusive).</summary>
    public static ImmutableArray<CodeActionInfo> For(DocumentAnalysis analysis, string text, int startLine, int endLine, CancellationToken cancellationToken = default)
    {
        var actions = ImmutableArray.CreateBuilder<CodeActionInfo>();
        foreach (var model in analysis.Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SafeLearningRate(model, text) is { } lrAction && Touches(model.Summary.LearningRate, startLine, endLine))
                actions.Add(lrAction);
            foreach (var layer in model.Layers.Where(l => l.Span is { } s && s.StartLine <= endLine && startLine <= s.EndLine))
            {
                if ((CriticalInit(model, layer, text) ?? CriticalInitActions.ForSequential(model, layer, text)) is { } initAction && !actions.Any(a => a.Title == initAction.Title))
                    actions.Add(initAction);
            }
        }
        return actions.ToImmutable();
    }

    /// <summary>
    /// Replaces a literal learning rate with <see cref="SafeFraction"/> × the monotone limit, to 3 significant figures.
    /// Null when there is no limit or the rate is not written as a numeric literal at its span.
    /// </summary>
    public static CodeActionInfo? SafeLearningRate(ModelAnalysis model, string text)
    {
        if (model.Summary.LearningRate is not { MonotoneLimit: { } limit, Span: { } span } lr || !(limit > 0) || double.IsInfinity(limit))
            return null;
        var written = SourceText.Slice(text, span);
        if (written is null || !TryParseLiteral(written, out var current))
            return null;
        var safe = double.Parse((SafeFraction * limit).ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (current <= safe)
            return null;
        var literal = FormatLiteral(safe, written);
        return new CodeActionInfo(
            $"Set learning rate to the predicted safe value {literal} ({SafeFraction:0.#} × limit {Format.Number(limit)}, {lr.Optimizer})",
            "quickfix", [new TextEditInfo(span, literal)], true, "lr-above-stability-limit");
    }

    /// <summary>
    /// For a Linear layer held in a field and followed by ReLU: inserts <c>init.kaiming_normal_(field.weight, nonlinearity: ReLU)</c>
    /// before <c>RegisterComponents();</c> in the model's class. Null for other patterns (Sequential: <see cref="CriticalInitActions"/>) and for layers
    /// that already have a Kaiming init written.
    /// </summary>
    public static CodeActionInfo? CriticalInit(ModelAnalysis model, LayerRow layer, string text)
    {
        var node = model.Graph[layer.NodeId];
        if (node.Op is not Linear || !FeedsRelu(model, layer.NodeId) || !Regex.IsMatch(layer.Name, @"^[A-Za-z_][A-Za-z0-9_]*$"))
            return null;
        if (layer.SigmaW2 is { } sigma && Math.Abs(sigma - 2) < 1e-9)
            return null;
        var field = new Regex($@"\bLinear\s+{Regex.Escape(layer.Name)}\s*(=|;)");
        if (!field.IsMatch(text) || text.Contains($"kaiming_normal_({layer.Name}.weight", StringComparison.Ordinal))
            return null;
        var classStart = model.Graph.Span is { } classSpan ? SourceText.Offset(text, classSpan.StartLine, classSpan.StartCharacter) : 0;
        var register = Regex.Match(text[classStart..], @"^([ \t]*)RegisterComponents\(\);", RegexOptions.Multiline);
        if (!register.Success)
            return null;
        var at = SourceText.Position(text, classStart + register.Index);
        var indent = register.Groups[1].Value;
        var insert = $"{indent}init.kaiming_normal_({layer.Name}.weight, nonlinearity: init.NonlinearityType.ReLU);\n";
        var span = new SourceSpan(layer.Span?.Path ?? "", at.Line, 0, at.Line, 0);
        return new CodeActionInfo($"Use critical initialisation for this activation: He (Kaiming normal) for {layer.Name} before ReLU",
            "quickfix", [new TextEditInfo(span, insert)], false, "vanishing-signal");
    }

    private static bool Touches(LrSummary? lr, int startLine, int endLine) =>
        lr is not null && new[] { lr.Span, lr.OptimizerSpan }.Any(s => s is { } span && span.StartLine <= endLine && startLine <= span.EndLine);

    private static bool FeedsRelu(ModelAnalysis model, int nodeId) =>
        model.Graph.Nodes.Any(n => n.Inputs.Contains(nodeId) && n.Op is Activation { Function: ActivationKind.ReLU });

    private static bool TryParseLiteral(string written, out double value)
    {
        var trimmed = written.Trim().Replace("_", "", StringComparison.Ordinal).TrimEnd('d', 'D', 'f', 'F', 'm', 'M');
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>C# literal text for <paramref name="value"/>, keeping a float/decimal suffix the original had.</summary>
    private static string FormatLiteral(double value, string original)
    {
        var text = value.ToString("G3", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E'))
            text += ".0";
        var suffix = original.Trim()[^1];
        return char.IsLetter(suffix) && suffix is 'f' or 'F' or 'm' or 'M' or 'd' or 'D' ? text + suffix : text;
    }
}

/// <summary>Line/character (UTF-16) to string offsets and back, for edits computed from source spans.</summary>
internal static class SourceText
{
    public static int Offset(string text, int line, int character)
    {
        var offset = 0;
        for (var current = 0; current < line; current++)
        {
            var next = text.IndexOf('\n', offset);
            if (next < 0)
                return text.Length;
            offset = next + 1;
        }
        return Math.Min(offset + character, text.Length);
    }

    public static (int Line, int Character) Position(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart);
    }

    public static string? Slice(string text, SourceSpan span)
    {
        var start = Offset(text, span.StartLine, span.StartCharacter);
        var end = Offset(text, span.EndLine, span.EndCharacter);
        return 0 <= start && start <= end && end <= text.Length ? text[start..end] : null;
    }
}
