using System.Text.Json;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Lifecycle;

/// <summary>initialize (LSP §initialize): reads the client's capabilities and settings, declares ours.</summary>
public sealed class InitializeHandler(ServerState state) : IRequestHandler<InitializeParams, InitializeResult>
{
    public const string ValidateCommand = Protocol.Extensions.ValidateCommand;

    public string Method => "initialize";

    public bool MutatesState => true;

    public Task<InitializeResult> HandleAsync(InitializeParams request, CancellationToken cancellationToken)
    {
        var capabilities = request.Capabilities;
        state.Client.SupportsPullDiagnostics = Has(capabilities, "textDocument", "diagnostic");
        state.Client.SupportsDiagnosticRefresh = Flag(capabilities, "workspace", "diagnostics", "refreshSupport");
        state.Client.SupportsCodeLensRefresh = Flag(capabilities, "workspace", "codeLens", "refreshSupport");
        state.Client.SupportsWorkDoneProgress = Flag(capabilities, "window", "workDoneProgress");
        state.Client.SupportsInlayHintRefresh = Flag(capabilities, "workspace", "inlayHint", "refreshSupport");
        state.Client.SupportsConfiguration = Flag(capabilities, "workspace", "configuration");
        state.Client.SupportsWatchedFilesRegistration = Flag(capabilities, "workspace", "didChangeWatchedFiles", "dynamicRegistration");
        if (request.InitializationOptions is { ValueKind: JsonValueKind.Object } options)
            state.Settings = SettingsReader.Read(options, state.Settings);
        state.WorkspaceRoots = (request.WorkspaceFolders is { Length: > 0 } folders ? folders.Select(f => f.Uri) : request.RootUri is { } root ? [root] : [])
            .Select(Documents.UriPaths.ToPath).Where(Path.IsPathRooted).Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct().ToList();
        state.Initialized = true;
        _ = Scheduling.WarmUp.StartOnce(state.Log);
        state.Log.Info($"initialize: pull diagnostics {state.Client.SupportsPullDiagnostics}, progress {state.Client.SupportsWorkDoneProgress}, trainer device {state.Settings.TrainerDevice}");

        var result = new InitializeResult(
            new ServerCapabilities(
                PositionEncoding: "utf-16",
                TextDocumentSync: new TextDocumentSyncOptions(OpenClose: true, Change: TextDocumentSyncKind.Incremental),
                HoverProvider: true,
                CodeLensProvider: new CodeLensOptions(ResolveProvider: false),
                DiagnosticProvider: new DiagnosticOptions("learning-mechanics", InterFileDependencies: true, WorkspaceDiagnostics: false),
                ExecuteCommandProvider: new ExecuteCommandOptions([ValidateCommand, Protocol.Extensions.FindLrLimitCommand, Protocol.Extensions.LrRangeTestCommand]),
                CodeActionProvider: new CodeActionOptions(["quickfix"]),
                InlayHintProvider: true),
            new ServerInfo("learning-mechanics-lsp", typeof(InitializeHandler).Assembly.GetName().Version?.ToString() ?? "0"));
        return Task.FromResult(result);
    }

    private static bool Has(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                return false;
        }
        return element.ValueKind != JsonValueKind.Null;
    }

    private static bool Flag(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                return false;
        }
        return element.ValueKind == JsonValueKind.True;
    }
}
