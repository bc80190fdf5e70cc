using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

// LSP 3.17 base structures: https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#basicJsonStructures

/// <summary>Position: 0-based line and UTF-16 character offset (LSP §position).</summary>
public sealed record Position([property: JsonPropertyName("line")] int Line, [property: JsonPropertyName("character")] int Character);

/// <summary>Range: end exclusive (LSP §range).</summary>
public sealed record Range([property: JsonPropertyName("start")] Position Start, [property: JsonPropertyName("end")] Position End);

public sealed record Location([property: JsonPropertyName("uri")] string Uri, [property: JsonPropertyName("range")] Range Range);

public sealed record TextDocumentIdentifier([property: JsonPropertyName("uri")] string Uri);

public sealed record VersionedTextDocumentIdentifier([property: JsonPropertyName("uri")] string Uri, [property: JsonPropertyName("version")] int Version);

public sealed record TextDocumentItem(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("languageId")] string LanguageId,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("text")] string Text);

public sealed record TextDocumentPositionParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("position")] Position Position);

/// <summary>Command (LSP §command). An empty <see cref="CommandId"/> makes VS Code render a code lens as plain text.</summary>
public sealed record Command(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("command")] string CommandId,
    [property: JsonPropertyName("arguments")] object?[]? Arguments = null,
    [property: JsonPropertyName("tooltip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tooltip = null);

public sealed record MarkupContent([property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("value")] string Value);

public static class ErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ServerNotInitialized = -32002;
    public const int RequestCancelled = -32800;
    public const int ContentModified = -32801;
}
