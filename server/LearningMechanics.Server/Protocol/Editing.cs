using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

// Code actions, inlay hints and edits: https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocument_codeAction

/// <summary>textDocument/codeAction params (LSP §textDocument_codeAction).</summary>
public sealed record CodeActionParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("range")] Range Range,
    [property: JsonPropertyName("context")] CodeActionContext? Context = null);

public sealed record CodeActionContext(
    [property: JsonPropertyName("diagnostics")] Diagnostic[]? Diagnostics = null,
    [property: JsonPropertyName("only")] string[]? Only = null);

/// <summary>A code action with its edit computed up front (LSP §codeAction).</summary>
public sealed record CodeAction(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("edit")] WorkspaceEdit Edit,
    [property: JsonPropertyName("isPreferred")] bool? IsPreferred = null,
    [property: JsonPropertyName("diagnostics")] Diagnostic[]? Diagnostics = null);

/// <summary>Edits keyed by document URI (LSP §workspaceEdit, the <c>changes</c> form).</summary>
public sealed record WorkspaceEdit([property: JsonPropertyName("changes")] Dictionary<string, TextEdit[]> Changes);

public sealed record TextEdit([property: JsonPropertyName("range")] Range Range, [property: JsonPropertyName("newText")] string NewText);

public sealed record CodeActionOptions([property: JsonPropertyName("codeActionKinds")] string[] CodeActionKinds);

/// <summary>textDocument/inlayHint params (LSP §textDocument_inlayHint).</summary>
public sealed record InlayHintParams(
    [property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("range")] Range Range);

/// <summary>An inlay hint; kind 1 = type (LSP §inlayHint).</summary>
public sealed record InlayHint(
    [property: JsonPropertyName("position")] Position Position,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("kind")] int Kind,
    [property: JsonPropertyName("tooltip")] string? Tooltip = null,
    [property: JsonPropertyName("paddingLeft")] bool PaddingLeft = true);
