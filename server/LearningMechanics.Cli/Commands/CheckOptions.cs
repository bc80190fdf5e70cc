using LearningMechanics.Model.Values;

namespace LearningMechanics.Cli.Commands;

public enum OutputFormat
{
    Text,
    Json,
}

/// <summary>Options of <c>lmech check</c>. <see cref="FailOn"/> null means never fail on findings.</summary>
public sealed record CheckOptions(IReadOnlyList<string> Paths, OutputFormat Format, Severity? FailOn)
{
    public static CheckOptions? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var paths = new List<string>();
        var format = OutputFormat.Text;
        Severity? failOn = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--format" when i + 1 < args.Count:
                    if (!Enum.TryParse(args[++i], ignoreCase: true, out format))
                    {
                        error.WriteLine($"lmech: unknown format '{args[i]}' (text, json)");
                        return null;
                    }
                    break;
                case "--fail-on" when i + 1 < args.Count:
                    var value = args[++i].ToLowerInvariant();
                    failOn = value switch
                    {
                        "error" => Severity.Error,
                        "warning" => Severity.Warning,
                        "never" => null,
                        _ => (Severity?)(Severity)(-1),
                    };
                    if (failOn == (Severity)(-1))
                    {
                        error.WriteLine($"lmech: unknown --fail-on '{args[i]}' (error, warning, never)");
                        return null;
                    }
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    error.WriteLine($"lmech: unknown option '{option}'");
                    return null;
                default:
                    paths.Add(args[i]);
                    break;
            }
        }
        if (paths.Count == 0)
        {
            error.WriteLine("lmech check: give at least one folder or file");
            return null;
        }
        return new CheckOptions(paths, format, failOn);
    }
}
