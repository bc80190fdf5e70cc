using System.Text.Json;

namespace LearningMechanics.Server;

/// <summary>Reads "learningMechanics" settings from initializationOptions or a configuration object; unknown keys are ignored.</summary>
public static class SettingsReader
{
    public static ServerSettings Read(JsonElement options, ServerSettings current)
    {
        if (options.TryGetProperty("learningMechanics", out var nested) && nested.ValueKind == JsonValueKind.Object)
            options = nested;
        var settings = current;
        if (TryGet(options, out var device, "trainer", "device") && device.ValueKind == JsonValueKind.String)
            settings = settings with { TrainerDevice = device.GetString() ?? "auto" };
        if (TryGet(options, out var lens, "codeLens", "enable") && lens.ValueKind is JsonValueKind.True or JsonValueKind.False)
            settings = settings with { CodeLensEnabled = lens.GetBoolean() };
        if (TryGet(options, out var timeout, "trainer", "timeoutSeconds") && timeout.ValueKind == JsonValueKind.Number)
            settings = settings with { TrainerTimeout = TimeSpan.FromSeconds(timeout.GetDouble()) };
        if (TryGet(options, out var hints, "inlayHints", "enable") && hints.ValueKind is JsonValueKind.True or JsonValueKind.False)
            settings = settings with { InlayHintsEnabled = hints.GetBoolean() };
        if (TryGet(options, out var scope, "analysis", "scope") && scope.ValueKind == JsonValueKind.String && scope.GetString() is "openFiles" or "workspace")
            settings = settings with { AnalysisScope = scope.GetString()! }; // The pattern above checked it is one of two strings.
        if (TryGet(options, out var memory, "trainer", "maxMemoryMB") && memory.ValueKind == JsonValueKind.Number && memory.GetDouble() > 0)
            settings = settings with { TrainerMaxMemoryMB = (int)Math.Min(memory.GetDouble(), int.MaxValue) };
        return settings;
    }

    private static bool TryGet(JsonElement element, out JsonElement value, params string[] path)
    {
        value = element;
        var dotted = string.Join(".", path);
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(dotted, out var flat))
        {
            value = flat;
            return true;
        }
        foreach (var name in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
                return false;
        }
        return true;
    }
}
