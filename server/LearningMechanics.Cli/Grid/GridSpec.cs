using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LearningMechanics.Cli.Grid;

/// <summary>
/// A validation grid: every combination of architecture × depth × width × activation × init × optimizer × rate is one
/// configuration. Rates are absolute numbers, or strings like "0.5x" meaning a multiple of the predicted eta_crit (SGD and
/// momentum only; Adam takes <see cref="AdamRates"/>, absolute, because no raw-rate limit is predicted for it).
/// Inits: "default" (TorchSharp's U(±1/√fan_in)), "he" (kaiming_normal, relu), "xavier" (xavier_normal), "normal:S" (weights
/// N(0, S/fan_in), sigma_w^2 = S), "critical" (sigma_w^2 at chi_1 = 1 for the activation and <see cref="BiasVariance"/>).
/// Non-default inits draw biases N(0, BiasVariance) (zero when it is 0). <see cref="CoordCheck"/> adds the muP coord check
/// (THEORY.md §9.1) once per network and optimizer, at the first rate of the list. <see cref="ImageSize"/> and
/// <see cref="ImageChannels"/> shape the CNNs' input (valid 3x3 convolutions shrink it by 2 per layer);
/// <see cref="ArchitectureWidths"/> replaces <see cref="Widths"/> for the architectures it names (a CNN's cost grows with
/// channels² x pixels, so CNNs usually get narrower widths than MLPs). <see cref="MeasureOutOfRegime"/> also runs the
/// learning-rate search where every LR prediction is out of regime (reported, never scored; off by default because it
/// is the costliest experiment of a configuration).
/// </summary>
public sealed record GridSpec(
    string Name,
    ImmutableArray<string> Architectures,
    ImmutableArray<int> Depths,
    ImmutableArray<int> Widths,
    ImmutableArray<string> Activations,
    ImmutableArray<string> Inits,
    ImmutableArray<string> Optimizers,
    ImmutableArray<GridRate> Rates,
    ImmutableArray<double> AdamRates,
    int Steps,
    int Seed,
    int InputDim,
    int Samples,
    double BiasVariance,
    double Momentum,
    bool CoordCheck = false,
    int ImageSize = 12,
    int ImageChannels = 3,
    ImmutableDictionary<string, ImmutableArray<int>>? ArchitectureWidths = null,
    bool MeasureOutOfRegime = false)
{
    public static readonly ImmutableArray<string> KnownArchitectures = ["mlp", "cnn", "resnet"];
    public static readonly ImmutableArray<string> KnownOptimizers = ["sgd", "momentum", "adam"];

    /// <summary>Reads a spec from JSON; throws <see cref="FormatException"/> with a message that names the bad field.</summary>
    public static GridSpec Parse(string json, string fallbackName)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON: {e.Message}");
        }
        if (root is not JsonObject obj)
            throw new FormatException("the grid spec must be a JSON object");
        var known = new HashSet<string>(["name", "architectures", "depths", "widths", "activations", "inits", "optimizers", "rates", "adamRates",
            "steps", "seed", "inputDim", "samples", "biasVariance", "momentum", "coordCheck", "description",
            "imageSize", "imageChannels", "architectureWidths", "measureOutOfRegime"]);
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
                throw new FormatException($"unknown field \"{key}\"; known: {string.Join(", ", known.Order())}");
        }
        var spec = new GridSpec(
            obj["name"]?.GetValue<string>() ?? fallbackName,
            Strings(obj, "architectures", ["mlp"]),
            Ints(obj, "depths", [2]),
            Ints(obj, "widths", [64]),
            Strings(obj, "activations", ["relu"]),
            Strings(obj, "inits", ["default"]),
            Strings(obj, "optimizers", ["sgd"]),
            obj["rates"] is JsonArray rates ? rates.Select(GridRate.Parse).ToImmutableArray() : [GridRate.Multiple(0.5)],
            obj["adamRates"] is JsonArray adam ? adam.Select(n => n!.GetValue<double>()).ToImmutableArray() : [1e-3],
            Int(obj, "steps", 300),
            Int(obj, "seed", 0),
            Int(obj, "inputDim", 16),
            Int(obj, "samples", 64),
            Double(obj, "biasVariance", 0),
            Double(obj, "momentum", 0.9),
            obj["coordCheck"]?.GetValue<bool>() ?? false,
            Int(obj, "imageSize", 12),
            Int(obj, "imageChannels", 3),
            ArchitectureWidthsOf(obj),
            obj["measureOutOfRegime"]?.GetValue<bool>() ?? false);
        spec.Validate();
        return spec;
    }

    public static GridSpec Load(string path) => Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>Every configuration in a fixed order (architecture, depth, width, activation, init, optimizer, rate).</summary>
    public ImmutableArray<GridConfiguration> Expand()
    {
        var result = ImmutableArray.CreateBuilder<GridConfiguration>();
        foreach (var architecture in Architectures)
        foreach (var depth in Depths)
        foreach (var width in WidthsOf(architecture))
        foreach (var activation in Activations)
        foreach (var init in Inits)
        foreach (var optimizer in Optimizers)
        {
            var rates = optimizer == "adam" ? AdamRates.Select(GridRate.Absolute).ToImmutableArray() : Rates;
            foreach (var rate in rates)
                result.Add(new GridConfiguration(architecture, depth, width, activation, init, optimizer, rate));
        }
        return result.ToImmutable();
    }

    /// <summary>The widths of an architecture: its entry in <see cref="ArchitectureWidths"/>, else <see cref="Widths"/>.</summary>
    public ImmutableArray<int> WidthsOf(string architecture) =>
        ArchitectureWidths is { } byArchitecture && byArchitecture.TryGetValue(architecture, out var widths) ? widths : Widths;

    private void Validate()
    {
        foreach (var architecture in Architectures)
        {
            if (!KnownArchitectures.Contains(architecture))
                throw new FormatException($"unknown architecture \"{architecture}\"; known: {string.Join(", ", KnownArchitectures)}");
        }
        foreach (var optimizer in Optimizers)
        {
            if (!KnownOptimizers.Contains(optimizer))
                throw new FormatException($"unknown optimizer \"{optimizer}\"; known: {string.Join(", ", KnownOptimizers)}");
        }
        foreach (var activation in Activations)
        {
            if (GridModels.ActivationOf(activation) is null)
                throw new FormatException($"unknown activation \"{activation}\"; known: {string.Join(", ", GridModels.KnownActivations)}");
        }
        foreach (var init in Inits)
        {
            if (!GridModels.IsKnownInit(init))
                throw new FormatException($"unknown init \"{init}\"; known: default, he, xavier, critical, normal:<sigma_w^2>");
        }
        foreach (var architecture in ArchitectureWidths?.Keys ?? [])
        {
            if (!KnownArchitectures.Contains(architecture))
                throw new FormatException($"architectureWidths: unknown architecture \"{architecture}\"; known: {string.Join(", ", KnownArchitectures)}");
        }
        if (Depths.Any(d => d < 1) || Widths.Any(w => w < 1) || (ArchitectureWidths?.Values.Any(ws => ws.IsEmpty || ws.Any(w => w < 1)) ?? false))
            throw new FormatException("depths and widths must be positive");
        if (Steps < 1 || Samples < 2 || InputDim < 1)
            throw new FormatException("steps and inputDim must be positive, samples at least 2");
        if (ImageSize < 1 || ImageChannels < 1)
            throw new FormatException("imageSize and imageChannels must be positive");
        if (Architectures.Contains("cnn") && Depths.Any(d => 2 * (d - 1) >= ImageSize))
            throw new FormatException($"cnn depth must keep the {ImageSize}x{ImageSize} image (valid 3x3 convolutions): depth < {ImageSize / 2 + 1}; raise \"imageSize\" for deeper CNNs");
    }

    private static ImmutableDictionary<string, ImmutableArray<int>>? ArchitectureWidthsOf(JsonObject obj)
    {
        if (obj["architectureWidths"] is null)
            return null;
        if (obj["architectureWidths"] is not JsonObject byArchitecture)
            throw new FormatException("architectureWidths must be an object like {\"cnn\": [32, 64]}");
        return byArchitecture.ToImmutableDictionary(
            entry => entry.Key.ToLowerInvariant(),
            entry => entry.Value is JsonArray widths
                ? widths.Select(n => n!.GetValue<int>()).ToImmutableArray()
                : throw new FormatException($"architectureWidths.{entry.Key} must be an array of widths"));
    }

    private static ImmutableArray<string> Strings(JsonObject obj, string name, ImmutableArray<string> fallback) =>
        obj[name] is JsonArray array ? array.Select(n => n!.GetValue<string>().ToLowerInvariant()).ToImmutableArray() : fallback;

    private static ImmutableArray<int> Ints(JsonObject obj, string name, ImmutableArray<int> fallback) =>
        obj[name] is JsonArray array ? array.Select(n => n!.GetValue<int>()).ToImmutableArray() : fallback;

    private static int Int(JsonObject obj, string name, int fallback) => obj[name]?.GetValue<int>() ?? fallback;

    private static double Double(JsonObject obj, string name, double fallback) => obj[name]?.GetValue<double>() ?? fallback;
}

/// <summary>A learning rate: absolute, or a multiple of the predicted eta_crit.</summary>
public sealed record GridRate(double Value, bool IsMultiple)
{
    public static GridRate Absolute(double value) => new(value, false);

    public static GridRate Multiple(double value) => new(value, true);

    public static GridRate Parse(JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<double>(out var number))
            return Absolute(number);
        var text = node?.GetValue<string>()?.Trim().ToLowerInvariant() ?? throw new FormatException("a rate must be a number or a string like \"0.5x\"");
        if (text.EndsWith('x') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var multiple) && multiple > 0)
            return Multiple(multiple);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var absolute) && absolute > 0)
            return Absolute(absolute);
        throw new FormatException($"rate \"{text}\" is neither a number nor a multiple of eta_crit like \"0.5x\"");
    }

    public override string ToString() => IsMultiple ? $"{Value.ToString("G3", CultureInfo.InvariantCulture)}x" : Value.ToString("G3", CultureInfo.InvariantCulture);
}

/// <summary>One point of the grid.</summary>
public sealed record GridConfiguration(string Architecture, int Depth, int Width, string Activation, string Init, string Optimizer, GridRate Rate)
{
    /// <summary>The network alone (what forward statistics depend on).</summary>
    public string NetworkKey => $"{Architecture}-L{Depth}-w{Width}-{Activation}-{Init}";

    /// <summary>The network and optimizer (what the learning-rate limit depends on).</summary>
    public string OptimizerKey => $"{NetworkKey}-{Optimizer}";

    public string Id => $"{OptimizerKey}-lr{Rate}";
}
