namespace LearningMechanics.Model.Values;

public enum Severity
{
    Error,
    Warning,
    Information,
    Hint,
}

/// <summary>
/// Something a frontend or the analysis wants the user to know: a stable kebab-case <paramref name="Code"/>
/// (never reused once retired), a message that names the numbers and the assumption behind them, and a place.
/// </summary>
public sealed record Finding(string Code, Severity Severity, string Message, SourceSpan? Span, string? ModelName = null);
