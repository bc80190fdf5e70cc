using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// <c>learningmechanics.json</c>, found in the document's folder or the nearest folder above it (normally the workspace
/// root). Schema (per-sample shapes, batch dimension excluded, as in the <c>[InputShape(...)]</c> comment; <c>null</c>
/// for a dimension that varies):
/// <code>{ "models": { "MnistNet": { "inputShape": [1, 28, 28] }, "encoder": { "inputShape": [3, null, null] } } }</code>
/// Model keys are the names the reader gives models (the class name, or the local variable holding a Sequential).
/// A comment on the model in the source wins over the file. Malformed content is reported, never thrown.
/// </summary>
public sealed record WorkspaceSettings(string? Path, ImmutableDictionary<string, TensorShape> InputShapes, ImmutableArray<string> Problems)
{
    public const string FileName = "learningmechanics.json";

    public static WorkspaceSettings Empty { get; } = new(null, ImmutableDictionary<string, TensorShape>.Empty, []);

    private static readonly ConcurrentDictionary<string, (string Stamp, WorkspaceSettings Settings)> s_cache = new(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public TensorShape? InputShapeOf(string model) => InputShapes.TryGetValue(model, out var shape) ? shape : null;

    /// <summary>The settings that apply to a document on disk; <see cref="Empty"/> for an unsaved or relative path.</summary>
    public static WorkspaceSettings For(string? documentPath)
    {
        if (string.IsNullOrEmpty(documentPath) || !System.IO.Path.IsPathRooted(documentPath))
            return Empty;
        try
        {
            if (Locate(documentPath) is { } candidate)
            {
                var info = new FileInfo(candidate);
                var stamp = $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}";
                if (s_cache.TryGetValue(candidate, out var cached) && cached.Stamp == stamp)
                    return cached.Settings;
                var settings = Parse(File.ReadAllText(candidate), candidate);
                s_cache[candidate] = (stamp, settings);
                return settings;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Empty with { Problems = [$"{FileName} could not be read ({ex.Message})"] };
        }
        return Empty;
    }

    /// <summary>
    /// The learningmechanics.json that applies to a document: in its folder or the nearest folder above it; null when there
    /// is none or the path is unsaved or relative. The trainer's data entry (Analysis' WorkspaceData) is found the same way.
    /// </summary>
    public static string? Locate(string? documentPath)
    {
        if (string.IsNullOrEmpty(documentPath) || !System.IO.Path.IsPathRooted(documentPath))
            return null;
        for (var dir = System.IO.Path.GetDirectoryName(documentPath); !string.IsNullOrEmpty(dir); dir = System.IO.Path.GetDirectoryName(dir))
        {
            var candidate = System.IO.Path.Combine(dir, FileName);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static WorkspaceSettings Parse(string json, string? path = null)
    {
        var shapes = ImmutableDictionary.CreateBuilder<string, TensorShape>(StringComparer.Ordinal);
        var problems = ImmutableArray.CreateBuilder<string>();
        try
        {
            using var document = JsonDocument.Parse(json, s_options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                problems.Add($"{FileName}: the top level must be an object");
            else if (document.RootElement.TryGetProperty("models", out var models))
            {
                if (models.ValueKind != JsonValueKind.Object)
                    problems.Add($"{FileName}: \"models\" must be an object keyed by model name");
                else
                {
                    foreach (var model in models.EnumerateObject())
                    {
                        if (model.Value.ValueKind == JsonValueKind.Object && model.Value.TryGetProperty("inputShape", out var shape))
                        {
                            if (ParseShape(shape) is { } parsed)
                                shapes[model.Name] = parsed;
                            else
                                problems.Add($"{FileName}: models.{model.Name}.inputShape must be an array of positive integers or null (batch dimension excluded)");
                        }
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            problems.Add($"{FileName} is not valid JSON ({ex.Message})");
        }
        return new WorkspaceSettings(path, shapes.ToImmutable(), problems.ToImmutable());
    }

    private static TensorShape? ParseShape(JsonElement shape)
    {
        if (shape.ValueKind != JsonValueKind.Array)
            return null;
        var dims = ImmutableArray.CreateBuilder<long?>();
        foreach (var item in shape.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null)
                dims.Add(null);
            else if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var dim) && dim > 0)
                dims.Add(dim);
            else
                return null;
        }
        return new TensorShape(dims.ToImmutable());
    }
}
