using LearningMechanics.Analysis;
using LearningMechanics.Model.Values;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Conversions;

/// <summary>Analysis records to LSP DTOs. Spans are UTF-16 on both sides, so positions copy across unchanged.</summary>
public static class ToLsp
{
    public static Protocol.Range Range(SourceSpan? span) => span is { } s
        ? new(new Position(s.StartLine, s.StartCharacter), new Position(s.EndLine, s.EndCharacter))
        : new(new Position(0, 0), new Position(0, 0));

    public static int Severity(Model.Values.Severity severity) => severity switch
    {
        Model.Values.Severity.Error => 1,
        Model.Values.Severity.Warning => 2,
        Model.Values.Severity.Information => 3,
        _ => 4,
    };

    public static Diagnostic Diagnostic(Finding finding) =>
        new(Range(finding.Span), Severity(finding.Severity), finding.Code, "learning-mechanics", finding.Message);

    public static Hover Hover(HoverInfo hover) => new(new MarkupContent("markdown", hover.Markdown), Range(hover.Span));

    public static CodeLens CodeLens(LensInfo lens, string uri) =>
        new(Range(lens.Span), new Command(lens.Title, lens.Command ?? "", lens.Command is null ? null : [uri, lens.ModelName], lens.Tooltip));
}
