namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>Conversions between interpreter values and numbers, with the reason when a conversion fails.</summary>
internal static class Values
{
    public static bool TryLong(Value value, out long result)
    {
        if (value is NumberValue n)
        {
            if (n.Integer is long i)
            {
                result = i;
                return true;
            }
            if (Math.Abs(n.Double - Math.Round(n.Double)) < 1e-9 && Math.Abs(n.Double) < 9e15)
            {
                result = (long)Math.Round(n.Double);
                return true;
            }
        }
        result = 0;
        return false;
    }

    public static bool TryDouble(Value value, out double result)
    {
        if (value is NumberValue n)
        {
            result = n.Double;
            return true;
        }
        result = 0;
        return false;
    }

    /// <summary>Why a value is not a usable constant, for messages.</summary>
    public static string Why(Value value) => value switch
    {
        UnknownValue u => u.Reason,
        NullValue => "null",
        TypeRefValue t => $"'{t.Name}' could not be resolved",
        _ => $"it is a {value.Describe()}",
    };

    public static bool Truthy(Value value, out bool result)
    {
        if (value is BoolValue b)
        {
            result = b.Value;
            return true;
        }
        result = false;
        return false;
    }
}

/// <summary>A name that resolved to a type or namespace (<c>nn</c>, <c>Reduction</c>, a user class) rather than a value.</summary>
internal sealed record TypeRefValue(string Name, Microsoft.CodeAnalysis.ISymbol? Symbol = null) : Value;
