using System.Globalization;
using LearningMechanics.Cli.Grid;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Cli.Commands;

/// <summary>
/// <c>lmech validate-grid &lt;spec.json&gt;</c>: trains every configuration of a grid with the trainer and prints the confirmation
/// rate per prediction kind, the LR-limit error distribution and the trainability confusion matrix. Exit 0, or 1 when
/// --fail-below is given and a scored kind's rate (or the trainability accuracy) falls below it; 2 on bad usage.
/// </summary>
public static class ValidateGridCommand
{
    public const string Usage = """
        usage: lmech validate-grid <spec.json> [--format text|json] [--fail-below <rate>] [--cache-dir <dir>]
                                   [--trainer <LearningMechanics.Trainer.dll>] [--limit <n>] [--timeout <seconds>] [--threads <n>] [--verbose]
        spec fields (all optional): name, description, architectures [mlp|resnet|cnn], depths (weight layers), widths,
          architectureWidths {"cnn": [32]}, imageSize (12), imageChannels (3), activations [relu|tanh|gelu|silu|sigmoid|linear],
          inits [default|he|xavier|critical|normal:<sigma_w^2>], optimizers [sgd|momentum|adam], rates [0.01 | "0.5x" of eta_crit],
          adamRates, steps (300), samples (64), inputDim (16), seed, biasVariance, momentum (0.9), coordCheck, measureOutOfRegime
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? specPath = null, cacheDir = null, trainer = null;
        var format = OutputFormat.Text;
        double? failBelow = null;
        int? limit = null, threads = null;
        var timeout = TimeSpan.FromMinutes(10);
        var verbose = false;
        for (var argIdx = 0; argIdx < args.Count; argIdx++)
        {
            var arg = args[argIdx];
            string Next() => argIdx + 1 < args.Count ? args[++argIdx] : throw new FormatException($"{arg} needs a value");
            try
            {
                switch (arg)
                {
                    case "--format":
                        if (!Enum.TryParse(Next(), ignoreCase: true, out format))
                            throw new FormatException($"unknown format '{args[argIdx]}' (text, json)");
                        break;
                    case "--fail-below":
                        failBelow = double.Parse(Next(), CultureInfo.InvariantCulture);
                        if (failBelow is < 0 or > 1)
                            throw new FormatException("--fail-below takes a rate in [0, 1]");
                        break;
                    case "--cache-dir":
                        cacheDir = Next();
                        break;
                    case "--trainer":
                        trainer = Path.GetFullPath(Next());
                        break;
                    case "--limit":
                        limit = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--threads":
                        threads = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--timeout":
                        timeout = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                        break;
                    case "--verbose":
                        verbose = true;
                        break;
                    case var option when option.StartsWith("--", StringComparison.Ordinal):
                        throw new FormatException($"unknown option '{option}'");
                    default:
                        if (specPath is not null)
                            throw new FormatException("give one grid spec");
                        specPath = arg;
                        break;
                }
            }
            catch (FormatException e)
            {
                error.WriteLine($"lmech validate-grid: {e.Message}");
                error.WriteLine(Usage);
                return 2;
            }
        }
        if (specPath is null)
        {
            error.WriteLine(Usage);
            return 2;
        }
        GridSpec spec;
        try
        {
            spec = GridSpec.Load(specPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            error.WriteLine($"lmech validate-grid: {specPath}: {e.Message}");
            return 2;
        }
        var options = new GridRunOptions(
            new TrainerProcessOptions(TrainerPath: trainer),
            new TrainerResultCache(cacheDir),
            timeout,
            Threads: threads,
            Limit: limit,
            Log: line => error.WriteLine(line));
        var report = GridRunner.RunAsync(spec, options, CancellationToken.None).GetAwaiter().GetResult();
        if (format == OutputFormat.Json)
            report.WriteJson(output);
        else
            report.WriteText(output, verbose);
        return Failing(report, failBelow) ? 1 : 0;
    }

    /// <summary>True when a scored kind's rate, or the trainability accuracy, is below the threshold, or a configuration failed.</summary>
    public static bool Failing(GridReport report, double? failBelow)
    {
        if (failBelow is not double threshold)
            return false;
        return report.Failed > 0 || report.Kinds.Any(k => k.Rate is { } rate && rate < threshold);
    }
}
