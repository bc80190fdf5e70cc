using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>$/setTrace: accepted; the server's own log level does not change.</summary>
public sealed class SetTraceHandler : INotificationHandler<JsonElement>
{
    public string Method => "$/setTrace";

    public bool MutatesState => false;

    public Task HandleAsync(JsonElement notification, CancellationToken cancellationToken) => Task.CompletedTask;
}
