using System.Text.Json;
using LearningMechanics.Frontends.Files;
using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Analysis.Validation;

/// <summary>What the "data" entry of a workspace's learningmechanics.json says: a data spec, nothing, or an error.</summary>
public sealed record WorkspaceDataResult(DataSpec? Data, string? Error, string? SettingsPath)
{
    public static readonly WorkspaceDataResult None = new(null, null, null);
}

/// <summary>
/// Reads the "data" entry of <c>learningmechanics.json</c> at a workspace root:
/// <code>
/// { "data": { "format": "npy" | "csv" | "idx", "inputs": "data/x.npy", "targets": "data/y.npy",
///             "targetColumn": "label", "standardize": true } }
/// </code>
/// "format" defaults from the inputs' extension (.npy, .csv, else idx). Paths are relative to the settings file and must
/// stay inside the workspace (links included). One sample of each file is read here, so a wrong format is reported
/// before a trainer is started. Other top-level entries of the file belong to other readers and are ignored here.
/// </summary>
public static class WorkspaceData
{
    public const string FileName = WorkspaceSettings.FileName;

    /// <summary>
    /// The data entry that applies to a document on disk: the learningmechanics.json in its folder or the nearest folder
    /// above it (as for the reader's input shapes), with that folder as the root the data files must stay in.
    /// </summary>
    public static WorkspaceDataResult ForDocument(string? documentPath) =>
        WorkspaceSettings.Locate(documentPath) is { } settings ? Load(Path.GetDirectoryName(settings)!) : WorkspaceDataResult.None;

    public static WorkspaceDataResult Load(string workspaceRoot)
    {
        var settingsPath = Path.Combine(workspaceRoot, FileName);
        if (!File.Exists(settingsPath))
            return WorkspaceDataResult.None;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(settingsPath), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
                return WorkspaceDataResult.None with { SettingsPath = settingsPath };
            return Parse(workspaceRoot, data) switch
            {
                (DataSpec spec, null) => new WorkspaceDataResult(spec, null, settingsPath),
                (_, var error) => new WorkspaceDataResult(null, $"{FileName} \"data\": {error}", settingsPath),
            };
        }
        catch (JsonException e)
        {
            return new WorkspaceDataResult(null, $"{FileName} is not valid JSON: {e.Message}", settingsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WorkspaceDataResult(null, $"{FileName} cannot be read: {e.Message}", settingsPath);
        }
    }

    private static (DataSpec? Spec, string? Error) Parse(string root, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
            return (null, "must be an object with \"inputs\" (and \"targets\")");
        var inputsName = String(data, "inputs");
        if (inputsName is null)
            return (null, "names no \"inputs\" file");
        var format = String(data, "format")?.ToLowerInvariant() ?? Path.GetExtension(inputsName).ToLowerInvariant() switch
        {
            ".npy" => "npy",
            ".csv" => "csv",
            _ => "idx",
        };
        if (!DataSpec.Formats.Contains(format))
            return (null, $"format '{format}' is unknown; use one of {string.Join(", ", DataSpec.Formats)}");
        var (inputs, inputsError) = ConfinedPath.Resolve(root, root, inputsName);
        if (inputs is null)
            return (null, $"inputs {inputsError}");
        string? targets = null;
        if (format != "csv")
        {
            var targetsName = String(data, "targets");
            if (targetsName is null)
                return (null, $"{format} data names no \"targets\" file");
            (targets, var targetsError) = ConfinedPath.Resolve(root, root, targetsName);
            if (targets is null)
                return (null, $"targets {targetsError}");
        }
        var targetColumn = data.TryGetProperty("targetColumn", out var column)
            ? column.ValueKind == JsonValueKind.Number ? column.GetRawText() : column.GetString()
            : null;
        var standardize = !data.TryGetProperty("standardize", out var flag) || flag.ValueKind != JsonValueKind.False;
        var spec = new DataSpec(format, inputs, targets, targetColumn, standardize, Fingerprint(inputs, targets));
        try
        {
            DataFiles.Read(spec, maxSamples: 1);
        }
        catch (DataFormatException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OverflowException)
        {
            return (null, $"cannot be read: {e.Message}");
        }
        return (spec, null);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Fingerprint(params string?[] paths) =>
        string.Join(";", paths.OfType<string>().Select(p => new FileInfo(p)).Select(f => $"{f.Length}@{f.LastWriteTimeUtc.Ticks}"));
}
