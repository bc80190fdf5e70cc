using System.Globalization;

namespace LearningMechanics.Cli.Theory;

/// <summary>"--name value" pairs of one <c>lmech theory</c> subcommand; a missing or malformed value is a usage error.</summary>
public sealed class TheoryArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = [];

    private TheoryArguments(Dictionary<string, string> values) => _values = values;

    /// <summary>Parses "--key value" pairs and bare "--flag"s; null (with a message) on a stray positional argument.</summary>
    public static TheoryArguments? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length < 3)
            {
                error.WriteLine($"lmech theory: unexpected argument '{args[i]}'");
                return null;
            }
            var key = args[i][2..];
            var hasValue = i + 1 < args.Count && !(args[i + 1].StartsWith("--", StringComparison.Ordinal) && !double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out _));
            values[key] = hasValue ? args[++i] : "true";
        }
        return new TheoryArguments(values);
    }

    public string? String(string key)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out var value) ? value : null;
    }

    public bool Flag(string key) => String(key) is "true" or "1" or "yes";

    /// <summary>A finite number (invariant culture, "70e9" allowed), the default when absent.</summary>
    public double Number(string key, double? fallback = null)
    {
        var text = String(key);
        if (text is null)
            return fallback ?? throw new TheoryUsageException($"--{key} is required");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new TheoryUsageException($"--{key} '{text}' is not a finite number");
        return value;
    }

    public int Integer(string key, int? fallback = null)
    {
        var value = Number(key, fallback);
        if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
            throw new TheoryUsageException($"--{key} must be an integer");
        return (int)value;
    }

    /// <summary>A comma-separated list of finite numbers.</summary>
    public double[] Numbers(string key)
    {
        var text = String(key) ?? throw new TheoryUsageException($"--{key} is required");
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !double.IsFinite(result[i]))
                throw new TheoryUsageException($"--{key}: '{parts[i]}' is not a finite number");
        if (result.Length == 0)
            throw new TheoryUsageException($"--{key} needs at least one number");
        return result;
    }

    /// <summary>Options given but never read by the subcommand (typos).</summary>
    public IEnumerable<string> Unread => _values.Keys.Where(k => !_read.Contains(k));
}

/// <summary>A usage error inside a theory subcommand: printed, exit code 2.</summary>
public sealed class TheoryUsageException(string message) : Exception(message);
