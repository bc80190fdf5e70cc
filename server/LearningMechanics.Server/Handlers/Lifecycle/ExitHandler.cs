using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Lifecycle;

/// <summary>exit (LSP §exit): the process ends with 0 after shutdown, 1 otherwise.</summary>
public sealed class ExitHandler(ServerState state, TaskCompletionSource<int> exitCode) : INotificationHandler<JsonElement>
{
    public string Method => "exit";

    public bool MutatesState => true;

    public Task HandleAsync(JsonElement notification, CancellationToken cancellationToken)
    {
        exitCode.TrySetResult(state.ShutdownRequested ? 0 : 1);
        return Task.CompletedTask;
    }
}
