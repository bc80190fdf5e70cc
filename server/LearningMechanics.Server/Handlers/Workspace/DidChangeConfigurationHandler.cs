using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>
/// workspace/didChangeConfiguration: pulls the "learningMechanics" section again (or reads the pushed settings from a client
/// that cannot be asked), then asks the client to refresh diagnostics, code lenses and inlay hints.
/// </summary>
public sealed class DidChangeConfigurationHandler(ServerState state) : INotificationHandler<JsonElement>
{
    public string Method => "workspace/didChangeConfiguration";

    public bool MutatesState => true;

    public async Task HandleAsync(JsonElement notification, CancellationToken cancellationToken)
    {
        if (!await Configuration.PullAsync(state, cancellationToken).ConfigureAwait(false)
            && notification.ValueKind == JsonValueKind.Object && notification.TryGetProperty("settings", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            state.Settings = SettingsReader.Read(settings, state.Settings);
            state.Log.Info($"settings pushed: {state.Settings}");
        }
        await state.Client.RefreshAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
