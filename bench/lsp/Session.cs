using System.Text.Json.Nodes;
using LearningMechanics.Server.Tests;

namespace LearningMechanics.Bench.Lsp;

/// <summary>A started and initialized server (push diagnostics: the client declares no pull support) plus helpers.</summary>
public sealed class Session : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    private Session(LspProcessClient client) => Client = client;

    public LspProcessClient Client { get; }

    public static string ServerDll { get; } = FindServer();

    public static string Root { get; } = FindRoot();

    public static async Task<Session> StartAsync(string? rootPath = null, IReadOnlyDictionary<string, string>? environment = null, object? initializationOptions = null)
    {
        var session = new Session(new LspProcessClient(ServerDll, environment));
        await session.Client.RequestAsync("initialize", new
        {
            processId = Environment.ProcessId,
            rootUri = rootPath is null ? null : Uri(rootPath),
            capabilities = new { window = new { workDoneProgress = true } },
            initializationOptions,
        });
        await session.Client.NotifyAsync("initialized", new { });
        return session;
    }

    public Task OpenAsync(string uri, string text, string languageId = "csharp", int version = 1) =>
        Client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId, version, text } });

    public Task<JsonNode?> HoverAsync(string uri, int line, int character) =>
        Client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line, character } });

    /// <summary>Waits for a publishDiagnostics of the uri (of this version, when given) and returns its diagnostics.</summary>
    public async Task<JsonArray> DiagnosticsAsync(string uri, int? version = null, TimeSpan? timeout = null)
    {
        var published = await Client.WaitForAsync("textDocument/publishDiagnostics",
            p => p?["uri"]?.GetValue<string>() == uri && (version is null || p["version"]?.GetValue<int>() == version), timeout ?? Wait);
        return published!["diagnostics"]!.AsArray();
    }

    public async Task ShutdownAsync()
    {
        await Client.RequestAsync("shutdown", null);
        await Client.NotifyAsync("exit", null);
        await Client.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();

    public static string Uri(string path) => new System.Uri(Path.GetFullPath(path)).AbsoluteUri;

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LearningMechanics.Lsp.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("LearningMechanics.Lsp.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindServer()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("LMECH_SERVER_DLL");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        // The shipped build (`dotnet publish server/LearningMechanics.Server -c Release -o artifacts/server`: ReadyToRun,
        // no tiering) when it is there, else the IL build.
        var published = Path.Combine(FindRoot(), "artifacts", "server", "LearningMechanics.Server.dll");
        return File.Exists(published)
            ? published
            : Path.Combine(FindRoot(), "server", "LearningMechanics.Server", "bin", "Release", "net10.0", "linux-x64", "LearningMechanics.Server.dll");
    }
}
