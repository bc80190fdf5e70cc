using StreamJsonRpc;
using LearningMechanics.Server.Handlers;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Queue;

/// <summary>
/// Binds a handler to StreamJsonRpc. The adapter runs on the ordered context: it checks the lifecycle, and a mutating
/// handler finishes its synchronous part before the next message is dispatched; everything else continues off the queue.
/// </summary>
public sealed class RequestAdapter<TParams, TResult>(IRequestHandler<TParams, TResult> handler, ServerState state)
{
    public async Task<TResult> InvokeAsync(TParams request = default!, CancellationToken cancellationToken = default)
    {
        Lifecycle.EnsureAccepting(state, handler.Method);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var task = handler.HandleAsync(request, cancellationToken);
            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new LocalRpcException("request cancelled") { ErrorCode = ErrorCodes.RequestCancelled };
        }
        catch (OperationCanceledException)
        {
            // The document changed under the request (its analysis was superseded): LSP's ContentModified.
            throw new LocalRpcException("content modified") { ErrorCode = ErrorCodes.ContentModified };
        }
        catch (Exception ex) when (ex is not LocalRpcException)
        {
            state.Log.Error($"{handler.Method} failed: {ex}");
            throw new LocalRpcException($"{handler.Method} failed: {ex.Message}") { ErrorCode = ErrorCodes.InternalError };
        }
        finally
        {
            if (started.ElapsedMilliseconds > 100)
                state.Log.Info($"{handler.Method} took {started.ElapsedMilliseconds} ms");
        }
    }
}

public sealed class NotificationAdapter<TParams>(INotificationHandler<TParams> handler, ServerState state)
{
    public async Task InvokeAsync(TParams notification = default!)
    {
        if (!state.Initialized && handler.Method != "exit")
        {
            state.Log.Info($"ignored {handler.Method} before initialize");
            return;
        }
        try
        {
            await handler.HandleAsync(notification, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A notification has no reply: log and keep serving.
            state.Log.Error($"{handler.Method} failed: {ex}");
        }
    }
}

public static class Lifecycle
{
    public static void EnsureAccepting(ServerState state, string method)
    {
        if (!state.Initialized && method != "initialize")
            throw new LocalRpcException($"{method} before initialize") { ErrorCode = ErrorCodes.ServerNotInitialized };
        if (state.Initialized && method == "initialize")
            throw new LocalRpcException("initialize sent twice") { ErrorCode = ErrorCodes.InvalidRequest };
        if (state.ShutdownRequested && method != "shutdown")
            throw new LocalRpcException($"{method} after shutdown") { ErrorCode = ErrorCodes.InvalidRequest };
    }
}
