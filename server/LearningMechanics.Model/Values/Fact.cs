namespace LearningMechanics.Model.Values;

/// <summary>
/// A value the frontends either know, with the place it came from, or do not know, with the reason.
/// Nothing in the model graph is a silent default: a default is a known value whose <see cref="Source"/> says so.
/// </summary>
public sealed record Fact<T>
{
    /// <summary>Prefer <see cref="Known"/> and <see cref="Unknown"/>; this constructor exists for serialisers.</summary>
    public Fact(bool isKnown, T? value, string? reason, SourceSpan? span, string? source)
    {
        IsKnown = isKnown;
        Value = value;
        Reason = reason;
        Span = span;
        Source = source;
    }

    public bool IsKnown { get; }

    /// <summary>The value; meaningful only when <see cref="IsKnown"/>.</summary>
    public T? Value { get; }

    /// <summary>Why the value is unknown; null when known.</summary>
    public string? Reason { get; }

    /// <summary>Where the value (or the construct that could not be evaluated) is written.</summary>
    public SourceSpan? Span { get; }

    /// <summary>How the value was obtained when it is not written literally ("TorchSharp default", "const HiddenSize").</summary>
    public string? Source { get; }

    public static Fact<T> Known(T value, SourceSpan? span = null, string? source = null) => new(true, value, null, span, source);

    public static Fact<T> Unknown(string reason, SourceSpan? span = null) => new(false, default, reason, span, null);

    public T GetOr(T fallback) => IsKnown ? Value! : fallback;

    public Fact<TOut> Map<TOut>(Func<T, TOut> map) =>
        IsKnown ? Fact<TOut>.Known(map(Value!), Span, Source) : Fact<TOut>.Unknown(Reason!, Span);

    public override string ToString() => IsKnown ? $"{Value}" : $"unknown ({Reason})";
}
