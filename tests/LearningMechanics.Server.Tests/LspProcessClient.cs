using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamJsonRpc;

namespace LearningMechanics.Server.Tests;

/// <summary>
/// A protocol client for tests: spawns the real server executable and talks LSP to it over its stdin/stdout,
/// recording every notification and answering the requests a client must answer.
/// </summary>
public sealed class LspProcessClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly ConcurrentQueue<(string Method, JsonNode? Params)> _notifications = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly System.Text.StringBuilder _stderr = new();

    /// <param name="environment">Added to the server's environment (and so to the trainer it starts).</param>
    public LspProcessClient(string serverDll, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(serverDll))
            throw new FileNotFoundException($"server not built: {serverDll} (run dotnet build first)");
        var start = new ProcessStartInfo("dotnet", [serverDll, "--stdio"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        var formatter = new SystemTextJsonFormatter();
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(_process.StandardInput.BaseStream, _process.StandardOutput.BaseStream, formatter));
        var recordOne = typeof(Recorder).GetMethod(nameof(Recorder.RecordNotification), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)!;
        var answerNull = typeof(Recorder).GetMethod(nameof(Recorder.AnswerNull), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)!;
        foreach (var method in new[] { "textDocument/publishDiagnostics", "$/progress", "window/logMessage", "window/showMessage", "learningMechanics/status", "learningMechanics/serverStatus" })
            _rpc.AddLocalRpcMethod(recordOne, new Recorder(this, method), new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
        foreach (var method in new[] { "window/workDoneProgress/create", "workspace/diagnostic/refresh", "workspace/codeLens/refresh", "workspace/inlayHint/refresh", "client/registerCapability" })
            _rpc.AddLocalRpcMethod(answerNull, new Recorder(this, method), new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
        var answerConfiguration = typeof(Recorder).GetMethod(nameof(Recorder.AnswerConfiguration), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)!;
        _rpc.AddLocalRpcMethod(answerConfiguration, new Recorder(this, "workspace/configuration"), new JsonRpcMethodAttribute("workspace/configuration") { UseSingleObjectParameterDeserialization = true });
        _rpc.StartListening();
    }

    /// <summary>The server's process id (for resource measurements and for finding its trainer children).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The "learningMechanics" section this client answers to workspace/configuration.</summary>
    public JsonNode Settings { get; set; } = new JsonObject();

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public IEnumerable<(string Method, JsonNode? Params)> Notifications => _notifications;

    public Task<JsonNode?> RequestAsync(string method, object? parameters, CancellationToken cancellationToken = default) =>
        parameters is null
            ? _rpc.InvokeWithCancellationAsync<JsonNode?>(method, [], cancellationToken)
            : _rpc.InvokeWithParameterObjectAsync<JsonNode?>(method, parameters, cancellationToken);

    public Task NotifyAsync(string method, object? parameters) =>
        parameters is null ? _rpc.NotifyAsync(method) : _rpc.NotifyWithParameterObjectAsync(method, parameters);

    /// <summary>Waits until a notification satisfies <paramref name="match"/> (including ones already received).</summary>
    public async Task<JsonNode?> WaitForAsync(string method, Func<JsonNode?, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = _notifications.FirstOrDefault(n => n.Method == method && match(n.Params));
            if (found.Method is not null)
                return found.Params;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"no {method} matching within {timeout.TotalSeconds} s; server stderr:\n{Stderr}");
            await _signal.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The target StreamJsonRpc invokes for one method name; it records the call on the client.</summary>
    private sealed class Recorder(LspProcessClient client, string method)
    {
        public void RecordNotification(JsonElement parameters = default) => client.Record(method, parameters);

        public object? AnswerNull(JsonElement parameters = default)
        {
            client.Record(method, parameters);
            return null;
        }

        public JsonNode?[] AnswerConfiguration(JsonElement parameters = default)
        {
            client.Record(method, parameters);
            return [client.Settings.DeepClone()];
        }
    }

    private void Record(string method, JsonElement parameters)
    {
        _notifications.Enqueue((method, parameters.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(parameters.GetRawText())));
        _signal.Release();
    }
}
