using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

public sealed record DidOpenTextDocumentParams([property: JsonPropertyName("textDocument")] TextDocumentItem TextDocument);

public sealed record DidCloseTextDocumentParams([property: JsonPropertyName("textDocument")] TextDocumentIdentifier TextDocument);

/// <summary>didChange params; a change without a range replaces the whole document (LSP §textDocument_didChange).</summary>
public sealed record DidChangeTextDocumentParams(
    [property: JsonPropertyName("textDocument")] VersionedTextDocumentIdentifier TextDocument,
    [property: JsonPropertyName("contentChanges")] TextDocumentContentChangeEvent[] ContentChanges);

public sealed record TextDocumentContentChangeEvent(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("range")] Range? Range = null);
