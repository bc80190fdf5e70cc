using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

public sealed record Hover([property: JsonPropertyName("contents")] MarkupContent Contents, [property: JsonPropertyName("range")] Range? Range);

public sealed record CodeLensParams([property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument);

public sealed record CodeLens(
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("command")] Command? Command,
    [property: JsonPropertyName("data")] JsonElement? Data = null);

/// <summary>Diagnostic (LSP §diagnostic). Severity: 1 error, 2 warning, 3 information, 4 hint.</summary>
public sealed record Diagnostic(
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("severity")] int Severity,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("message")] string Message);

public sealed record PublishDiagnosticsParams(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("diagnostics")] Diagnostic[] Diagnostics);

public sealed record DocumentDiagnosticParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("previousResultId")] string? PreviousResultId = null);

/// <summary>A full or unchanged document diagnostic report (LSP §textDocument_diagnostic).</summary>
public sealed record DocumentDiagnosticReport(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("resultId")] string? ResultId,
    [property: JsonPropertyName("items")] Diagnostic[]? Items);

/// <summary>workspace/executeCommand params; <see cref="WorkDoneToken"/> (integer or string) is a progress token the client created.</summary>
public sealed record ExecuteCommandParams(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("arguments")] JsonElement[]? Arguments,
    [property: JsonPropertyName("workDoneToken")] JsonElement? WorkDoneToken = null);

public sealed record WorkDoneProgressCreateParams([property: JsonPropertyName("token")] string Token);

/// <summary>$/progress params; the token is a string the server created or the client's own token (string or integer) as sent.</summary>
public sealed record ProgressParams([property: JsonPropertyName("token")] object Token, [property: JsonPropertyName("value")] object Value);

public sealed record WorkDoneProgressBegin(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("cancellable")] bool Cancellable,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("percentage")] int? Percentage)
{
    [JsonPropertyName("kind")]
    public string Kind => "begin";
}

public sealed record WorkDoneProgressReport(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("percentage")] int? Percentage)
{
    [JsonPropertyName("kind")]
    public string Kind => "report";
}

public sealed record WorkDoneProgressEnd([property: JsonPropertyName("message")] string? Message)
{
    [JsonPropertyName("kind")]
    public string Kind => "end";
}

public sealed record LogMessageParams([property: JsonPropertyName("type")] int Type, [property: JsonPropertyName("message")] string Message);

/// <summary>window/workDoneProgress/cancel params; the server only creates string tokens.</summary>
public sealed record WorkDoneProgressCancelParams([property: JsonPropertyName("token")] string? Token);
