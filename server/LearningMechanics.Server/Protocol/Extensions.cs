// Mirrors client-vscode/src/lsp_ext.ts; change both together.
using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

/// <summary>The Learning Mechanics additions to LSP: custom methods, command ids and their parameters.</summary>
public static class Extensions
{
    /// <summary>Server command run through workspace/executeCommand; arguments <c>[uri, modelName?]</c>.</summary>
    public const string ValidateCommand = "learningMechanics.validate";

    /// <summary>Server command: the trainer's lr-threshold bisection for one model, judged against the predicted eta_crit; arguments <c>[uri, modelName?]</c>.</summary>
    public const string FindLrLimitCommand = "learningMechanics.findLrLimit";

    /// <summary>Server command: the trainer's LR range test (exponential sweep) for one model; arguments <c>[uri, modelName?]</c>.</summary>
    public const string LrRangeTestCommand = "learningMechanics.lrRangeTest";

    /// <summary>Server-to-client notification with <see cref="ServerStatusParams"/>, modelled on rust-analyzer's experimental/serverStatus.</summary>
    public const string ServerStatusNotification = "learningMechanics/serverStatus";

    /// <summary>Client-to-server request: <see cref="ReportParams"/> in, <c>Analysis.Editor.DocumentReport</c> out (camelCase JSON).</summary>
    public const string ReportRequest = "learningMechanics/report";
}

/// <summary>
/// The server's state for the status bar. <see cref="State"/> is "ready", "analysing" or "validating";
/// <see cref="Percentage"/> is the validation's progress (0–100) while validating.
/// </summary>
public sealed record ServerStatusParams(
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("quiescent")] bool Quiescent,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("percentage")] int? Percentage = null);

/// <summary>learningMechanics/report params: a C# or .onnx document, optionally one model in it.</summary>
public sealed record ReportParams(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("modelName")] string? ModelName = null);
