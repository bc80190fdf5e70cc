using System.Text.Json;

namespace LearningMechanics.Server.Handlers.Lifecycle;

/// <summary>shutdown (LSP §shutdown): stop accepting work; the process ends on exit.</summary>
public sealed class ShutdownHandler(ServerState state) : IRequestHandler<JsonElement, object?>
{
    public string Method => "shutdown";

    public bool MutatesState => true;

    public Task<object?> HandleAsync(JsonElement request, CancellationToken cancellationToken)
    {
        state.ShutdownRequested = true;
        state.Log.Info("shutdown requested");
        return Task.FromResult<object?>(null);
    }
}
