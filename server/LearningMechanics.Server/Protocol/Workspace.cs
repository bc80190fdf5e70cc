using System.Text.Json.Serialization;

namespace LearningMechanics.Server.Protocol;

// Workspace features: https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#workspaceFeatures

/// <summary>workspace/didChangeWatchedFiles params (LSP §workspace_didChangeWatchedFiles).</summary>
public sealed record DidChangeWatchedFilesParams([property: JsonPropertyName("changes")] FileEvent[] Changes);

/// <summary>One file event; <see cref="Type"/> is 1 created, 2 changed, 3 deleted (LSP §fileEvent).</summary>
public sealed record FileEvent([property: JsonPropertyName("uri")] string Uri, [property: JsonPropertyName("type")] int Type)
{
    public const int Created = 1;
    public const int Changed = 2;
    public const int Deleted = 3;
}

/// <summary>workspace/configuration params (LSP §workspace_configuration).</summary>
public sealed record ConfigurationParams([property: JsonPropertyName("items")] ConfigurationItem[] Items);

public sealed record ConfigurationItem(
    [property: JsonPropertyName("section")] string Section,
    [property: JsonPropertyName("scopeUri")] string? ScopeUri = null);

/// <summary>client/registerCapability params (LSP §client_registerCapability).</summary>
public sealed record RegistrationParams([property: JsonPropertyName("registrations")] Registration[] Registrations);

public sealed record Registration(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("registerOptions")] object? RegisterOptions = null);

public sealed record DidChangeWatchedFilesRegistrationOptions([property: JsonPropertyName("watchers")] FileSystemWatcher[] Watchers);

/// <summary>A glob to watch; without <c>kind</c> the client reports create, change and delete.</summary>
public sealed record FileSystemWatcher([property: JsonPropertyName("globPattern")] string GlobPattern);
