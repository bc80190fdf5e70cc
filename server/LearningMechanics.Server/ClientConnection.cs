using LearningMechanics.Server.Protocol;
using StreamJsonRpc;

namespace LearningMechanics.Server;

/// <summary>Messages the server sends to the client. Failures to send (client gone) are logged, never thrown.</summary>
public sealed class ClientConnection(JsonRpc rpc, Log log)
{
    public bool SupportsPullDiagnostics { get; set; }

    public bool SupportsWorkDoneProgress { get; set; }

    public bool SupportsDiagnosticRefresh { get; set; }

    public bool SupportsCodeLensRefresh { get; set; }

    public bool SupportsInlayHintRefresh { get; set; }

    /// <summary>The client answers workspace/configuration (settings are pulled, not only pushed).</summary>
    public bool SupportsConfiguration { get; set; }

    /// <summary>The client accepts client/registerCapability for workspace/didChangeWatchedFiles.</summary>
    public bool SupportsWatchedFilesRegistration { get; set; }

    /// <summary>Asks every refreshable view to re-query: pull diagnostics, code lenses and inlay hints, each when supported.</summary>
    public async Task RefreshAllAsync(CancellationToken cancellationToken = default)
    {
        if (SupportsDiagnosticRefresh)
            await RequestAsync("workspace/diagnostic/refresh", null, cancellationToken).ConfigureAwait(false);
        if (SupportsCodeLensRefresh)
            await RequestAsync("workspace/codeLens/refresh", null, cancellationToken).ConfigureAwait(false);
        if (SupportsInlayHintRefresh)
            await RequestAsync("workspace/inlayHint/refresh", null, cancellationToken).ConfigureAwait(false);
    }

    public Task PublishDiagnosticsAsync(PublishDiagnosticsParams diagnostics) =>
        NotifyAsync("textDocument/publishDiagnostics", diagnostics);

    public Task LogAsync(int type, string message) => NotifyAsync("window/logMessage", new LogMessageParams(type, message));

    public async Task NotifyAsync(string method, object parameters)
    {
        try
        {
            await rpc.NotifyWithParameterObjectAsync(method, parameters).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or ConnectionLostException or IOException)
        {
            log.Info($"could not send {method}: {ex.Message}");
        }
    }

    /// <summary>A request whose answer matters; default when the client failed or is gone (logged).</summary>
    public async Task<T?> RequestAsync<T>(string method, object parameters, CancellationToken cancellationToken = default)
    {
        try
        {
            return await rpc.InvokeWithParameterObjectAsync<T>(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RemoteInvocationException or ObjectDisposedException or ConnectionLostException or IOException or OperationCanceledException)
        {
            log.Info($"client request {method} failed: {ex.Message}");
            return default;
        }
    }

    public async Task RequestAsync(string method, object? parameters, CancellationToken cancellationToken = default)
    {
        try
        {
            if (parameters is null)
                await rpc.InvokeWithCancellationAsync(method, [], cancellationToken).ConfigureAwait(false);
            else
                await rpc.InvokeWithParameterObjectAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RemoteInvocationException or ObjectDisposedException or ConnectionLostException or IOException or OperationCanceledException)
        {
            log.Info($"client request {method} failed: {ex.Message}");
        }
    }
}
