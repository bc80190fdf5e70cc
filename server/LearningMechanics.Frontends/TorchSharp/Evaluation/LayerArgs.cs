using System.Collections.Immutable;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>Typed access to a layer constructor's arguments; a required value that cannot be evaluated throws <see cref="UnresolvedArgumentException"/>.</summary>
internal sealed class LayerArgs(Interpreter interpreter, Frame frame, CallArguments arguments, string layer)
{
    public CallArguments Arguments { get; } = arguments;

    public bool Has(string name) => Arguments.Get(name) is not null;

    public Value? Raw(string name) => Arguments.Get(name) is { } e ? interpreter.Eval(e, frame) : null;

    public long Long(string name, long? fallback = null)
    {
        if (Arguments.Get(name) is not { } expression)
            return fallback ?? throw new UnresolvedArgumentException($"{layer}: argument '{name}' is missing", null);
        var value = interpreter.Eval(expression, frame);
        if (Values.TryLong(value, out var result))
            return result;
        if (value is NullValue && fallback is not null)
            return fallback.Value;
        throw new UnresolvedArgumentException($"{layer}: {name} = `{expression}` is not known ({Values.Why(value)})", interpreter.Context.Span(expression));
    }

    public double Double(string name, double fallback)
    {
        if (Arguments.Get(name) is not { } expression)
            return fallback;
        var value = interpreter.Eval(expression, frame);
        if (Values.TryDouble(value, out var result))
            return result;
        throw new UnresolvedArgumentException($"{layer}: {name} = `{expression}` is not known ({Values.Why(value)})", interpreter.Context.Span(expression));
    }

    public double DoubleRequired(string name) =>
        Has(name) ? Double(name, double.NaN) : throw new UnresolvedArgumentException($"{layer}: argument '{name}' is missing", null);

    /// <summary>A size list of any length (<c>new long[] {…}</c>, a tuple or one scalar).</summary>
    public ImmutableArray<long> LongList(string name) => Raw(name) switch
    {
        ListValue l => Longs(name, l.Items.Count, null),
        TupleValue t => Longs(name, t.Items.Length, null),
        _ => Longs(name, 1, null),
    };

    public ImmutableArray<double> DoubleList(string name)
    {
        var value = Raw(name);
        var items = value switch
        {
            ListValue l => l.Items,
            TupleValue t => t.Items.ToList(),
            null => null,
            _ => [value],
        };
        var result = ImmutableArray.CreateBuilder<double>();
        foreach (var item in items ?? [])
        {
            if (!Values.TryDouble(item, out var d))
                break;
            result.Add(d);
        }
        if (items is null || result.Count != items.Count || result.Count == 0)
            throw new UnresolvedArgumentException($"{layer}: {name} is not known ({(value is null ? "missing" : Values.Why(value))})",
                Arguments.Get(name) is { } e ? interpreter.Context.Span(e) : null);
        return result.ToImmutable();
    }

    public bool Bool(string name, bool fallback)
    {
        if (Arguments.Get(name) is not { } expression)
            return fallback;
        var value = interpreter.Eval(expression, frame);
        if (value is BoolValue b)
            return b.Value;
        throw new UnresolvedArgumentException($"{layer}: {name} = `{expression}` is not known ({Values.Why(value)})", interpreter.Context.Span(expression));
    }

    public string? EnumMember(string name) => Raw(name) is EnumValue e ? e.Member : null;

    /// <summary>A per-dimension size given as a scalar, a tuple or an array; <paramref name="fallback"/> is repeated when absent or null.</summary>
    public ImmutableArray<long> Longs(string name, int count, long? fallback)
    {
        var expression = Arguments.Get(name);
        var value = expression is null ? NullValue.Instance : interpreter.Eval(expression, frame);
        if (value is NullValue)
        {
            return fallback is long f
                ? Enumerable.Repeat(f, count).ToImmutableArray()
                : throw new UnresolvedArgumentException($"{layer}: argument '{name}' is missing", null);
        }
        if (Values.TryLong(value, out var scalar))
            return Enumerable.Repeat(scalar, count).ToImmutableArray();
        var items = value switch
        {
            TupleValue t => t.Items.ToList(),
            ListValue l => l.Items,
            _ => null,
        };
        if (items is not null && items.All(i => Values.TryLong(i, out _)))
        {
            var longs = items.Select(i => { Values.TryLong(i, out var v); return v; }).ToList();
            if (longs.Count == count)
                return longs.ToImmutableArray();
            if (longs.Count == 1)
                return Enumerable.Repeat(longs[0], count).ToImmutableArray();
        }
        throw new UnresolvedArgumentException($"{layer}: {name} = `{expression}` is not known ({Values.Why(value)})",
            expression is null ? null : interpreter.Context.Span(expression));
    }
}

internal sealed class UnresolvedArgumentException(string reason, SourceSpan? span) : Exception(reason)
{
    public string Reason { get; } = reason;

    public SourceSpan? Span { get; } = span;
}
