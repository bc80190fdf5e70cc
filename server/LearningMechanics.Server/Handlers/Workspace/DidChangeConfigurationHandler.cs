using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>workspace/didChangeConfiguration: re-read the "learningMechanics" settings the client pushes.</summary>
public sealed class DidChangeConfigurationHandler(ServerState state) : INotificationHandler<JsonElement>
{
    public string Method => "workspace/didChangeConfiguration";

    public bool MutatesState => true;

    public Task HandleAsync(JsonElement notification, CancellationToken cancellationToken)
    {
        if (notification.ValueKind == JsonValueKind.Object && notification.TryGetProperty("settings", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            state.Settings = SettingsReader.Read(settings, state.Settings);
            state.Log.Info($"settings: {state.Settings}");
        }
        return state.Client.SupportsCodeLensRefresh
            ? state.Client.RequestAsync("workspace/codeLens/refresh", null)
            : Task.CompletedTask;
    }
}
