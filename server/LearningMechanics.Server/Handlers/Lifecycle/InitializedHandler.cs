using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Lifecycle;

/// <summary>initialized (LSP §initialized).</summary>
public sealed class InitializedHandler(ServerState state) : INotificationHandler<JsonElement>
{
    public string Method => "initialized";

    public bool MutatesState => false;

    public Task HandleAsync(JsonElement notification, CancellationToken cancellationToken)
    {
        state.Log.Info("client initialized");
        return Task.CompletedTask;
    }
}
