using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

/// <summary>initialize params (LSP §initialize); capabilities are kept as raw JSON and read where needed.</summary>
public sealed record InitializeParams(
    [property: JsonPropertyName("processId")] int? ProcessId,
    [property: JsonPropertyName("rootUri")] string? RootUri,
    [property: JsonPropertyName("capabilities")] JsonElement Capabilities,
    [property: JsonPropertyName("workspaceFolders")] WorkspaceFolder[]? WorkspaceFolders = null,
    [property: JsonPropertyName("initializationOptions")] JsonElement? InitializationOptions = null);

public sealed record WorkspaceFolder([property: JsonPropertyName("uri")] string Uri, [property: JsonPropertyName("name")] string Name);

public sealed record InitializeResult(
    [property: JsonPropertyName("capabilities")] ServerCapabilities Capabilities,
    [property: JsonPropertyName("serverInfo")] ServerInfo ServerInfo);

public sealed record ServerInfo([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("version")] string Version);

public sealed record ServerCapabilities(
    [property: JsonPropertyName("positionEncoding")] string PositionEncoding,
    [property: JsonPropertyName("textDocumentSync")] TextDocumentSyncOptions TextDocumentSync,
    [property: JsonPropertyName("hoverProvider")] bool HoverProvider,
    [property: JsonPropertyName("codeLensProvider")] CodeLensOptions CodeLensProvider,
    [property: JsonPropertyName("diagnosticProvider")] DiagnosticOptions DiagnosticProvider,
    [property: JsonPropertyName("executeCommandProvider")] ExecuteCommandOptions ExecuteCommandProvider,
    [property: JsonPropertyName("codeActionProvider")] CodeActionOptions? CodeActionProvider = null,
    [property: JsonPropertyName("inlayHintProvider")] bool? InlayHintProvider = null);

public sealed record TextDocumentSyncOptions(
    [property: JsonPropertyName("openClose")] bool OpenClose,
    [property: JsonPropertyName("change")] int Change);

public sealed record CodeLensOptions([property: JsonPropertyName("resolveProvider")] bool ResolveProvider);

public sealed record DiagnosticOptions(
    [property: JsonPropertyName("identifier")] string Identifier,
    [property: JsonPropertyName("interFileDependencies")] bool InterFileDependencies,
    [property: JsonPropertyName("workspaceDiagnostics")] bool WorkspaceDiagnostics);

public sealed record ExecuteCommandOptions([property: JsonPropertyName("commands")] string[] Commands);

public static class TextDocumentSyncKind
{
    public const int Incremental = 2;
}
