using System.Text.Json;
using LearningMechanics.Server.Handlers.Workspace;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Lifecycle;

/// <summary>
/// initialized (LSP §initialized): starts registering the workspace's C# files (in the background), pulls the settings,
/// registers file watching for models and the project config, and announces the server status.
/// </summary>
public sealed class InitializedHandler(ServerState state) : INotificationHandler<JsonElement>
{
    /// <summary>The files whose changes on disk affect analyses: ONNX models, C# sources and the project config.</summary>
    public static readonly string[] WatchedGlobs = ["**/*.onnx", "**/*.cs", "**/learningmechanics.json"];

    public string Method => "initialized";

    public bool MutatesState => true;

    public async Task HandleAsync(JsonElement notification, CancellationToken cancellationToken)
    {
        state.Log.Info("client initialized");
        _ = LearningMechanics.Server.Workspace.WorkspaceIndexer.StartAsync(state, state.Dependants);
        if (state.Client.SupportsWatchedFilesRegistration)
        {
            var watchers = new DidChangeWatchedFilesRegistrationOptions(WatchedGlobs.Select(glob => new Protocol.FileSystemWatcher(glob)).ToArray());
            await state.Client.RequestAsync("client/registerCapability",
                new RegistrationParams([new Registration("learningMechanics-watched-files", "workspace/didChangeWatchedFiles", watchers)]),
                cancellationToken).ConfigureAwait(false);
        }
        await Configuration.PullAsync(state, cancellationToken).ConfigureAwait(false);
        await state.Status.AnnounceAsync().ConfigureAwait(false);
    }
}
