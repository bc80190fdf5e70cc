using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>
/// window/workDoneProgress/cancel (LSP §window_workDoneProgress_cancel): the user pressed Cancel on a server-started
/// progress; the work behind that token (a validation run) is cancelled and ends with its progress "end".
/// </summary>
public sealed class WorkDoneProgressCancelHandler(ServerState state) : INotificationHandler<WorkDoneProgressCancelParams>
{
    public string Method => "window/workDoneProgress/cancel";

    public bool MutatesState => false;

    public Task HandleAsync(WorkDoneProgressCancelParams notification, CancellationToken cancellationToken)
    {
        if (notification.Token is { } token && state.ProgressCancellations.TryGetValue(token, out var cancellation))
        {
            state.Log.Info($"progress {token} cancelled by the client");
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The work finished between the lookup and the cancel: nothing left to stop.
            }
        }
        return Task.CompletedTask;
    }
}
