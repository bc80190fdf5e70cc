using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using LearningMechanics.Analysis;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Handlers;
using LearningMechanics.Server.Handlers.Lifecycle;
using LearningMechanics.Server.Handlers.Document;
using LearningMechanics.Server.Handlers.Workspace;
using LearningMechanics.Server.Handlers.Extensions;
using LearningMechanics.Server.Queue;
using LearningMechanics.Server.Scheduling;
using StreamJsonRpc;

namespace LearningMechanics.Server;

/// <summary>The LSP server over any duplex stream pair: stdio in production, in-memory pipes in tests.</summary>
public sealed class LanguageServer : IDisposable
{
    private readonly JsonRpc _rpc;
    private readonly OrderedSynchronizationContext _queue = new();
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LanguageServer(Stream input, Stream output, TextWriter logWriter, LanguageServerOptions? options = null)
    {
        options ??= new LanguageServerOptions();
        var log = new Log(logWriter);
        var formatter = new SystemTextJsonFormatter();
        formatter.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        formatter.JsonSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        var sanitizedInput = Transport.FrameSanitizer.Wrap(input, log);
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(output, sanitizedInput, formatter)) { SynchronizationContext = _queue };
        _rpc.AddLocalRpcMethod(typeof(MalformedMessageTarget).GetMethod(nameof(MalformedMessageTarget.Reject))!, new MalformedMessageTarget(),
            new JsonRpcMethodAttribute(Transport.FrameSanitizer.MalformedMethod) { UseSingleObjectParameterDeserialization = true });

        var client = new ClientConnection(_rpc, log);
        var analyzer = new Analyzer { DeferOnnxSpectra = true, Workspace = new LearningMechanics.Frontends.TorchSharp.TorchSharpWorkspace() };
        var scheduler = new AnalysisScheduler(analyzer, log, options.Debounce);
        State = new ServerState(new DocumentStore(), scheduler, client, log) { Analyzer = analyzer };
        State.Dependants = new Workspace.DependantRefresher(State);
        OnnxSpectra = new OnnxSpectraScheduler(State);
        scheduler.Analysed += async (document, analysis) =>
        {
            State.Status.AnalysisEnded(document.Uri);
            await DiagnosticsPublisher.PushAsync(State, document, analysis).ConfigureAwait(false);
            await OnnxSpectra.OnAnalysedAsync(document, analysis).ConfigureAwait(false);
            if (document.Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
                State.Dependants.Refresh(document.Uri);
        };
        scheduler.Closed += OnnxSpectra.Cancel;

        foreach (var handler in CreateHandlers(State))
            Register(handler);
        _rpc.Disconnected += (_, e) =>
        {
            log.Info($"connection closed: {e.Reason} {e.Description}");
            _exitCode.TrySetResult(State.ShutdownRequested ? 0 : 1);
        };
    }

    public ServerState State { get; }

    /// <summary>Background eigenvalue spectra of .onnx files after their first analysis.</summary>
    public OnnxSpectraScheduler OnnxSpectra { get; }

    /// <summary>Completes with the process exit code: 0 after shutdown + exit, 1 when the client left without shutdown.</summary>
    public Task<int> Completion => _exitCode.Task;

    public void Start() => _rpc.StartListening();

    public void Dispose()
    {
        _rpc.Dispose();
        _queue.Dispose();
    }

    private IEnumerable<ILspHandler> CreateHandlers(ServerState state) =>
    [
        new InitializeHandler(state),
        new InitializedHandler(state),
        new ShutdownHandler(state),
        new ExitHandler(state, _exitCode),
        new DidOpenHandler(state),
        new DidChangeHandler(state),
        new DidCloseHandler(state),
        new HoverHandler(state),
        new CodeLensHandler(state),
        new DocumentDiagnosticHandler(state),
        new ExecuteCommandHandler(state),
        new DidChangeConfigurationHandler(state),
        new DidChangeWatchedFilesHandler(state),
        new WorkDoneProgressCancelHandler(state),
        new CodeActionHandler(state),
        new InlayHintHandler(state),
        new ReportHandler(state),
        new SetTraceHandler(),
    ];

    private void Register(ILspHandler handler)
    {
        var interfaceType = handler.GetType().GetInterfaces().Single(i => i.IsGenericType &&
            (i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) || i.GetGenericTypeDefinition() == typeof(INotificationHandler<>)));
        var arguments = interfaceType.GetGenericArguments();
        var adapterType = interfaceType.GetGenericTypeDefinition() == typeof(IRequestHandler<,>)
            ? typeof(RequestAdapter<,>).MakeGenericType(arguments)
            : typeof(NotificationAdapter<>).MakeGenericType(arguments);
        var adapter = Activator.CreateInstance(adapterType, handler, State)!; // Both adapters take (handler, state).
        var invoke = adapterType.GetMethod("InvokeAsync", BindingFlags.Public | BindingFlags.Instance)!;
        _rpc.AddLocalRpcMethod(invoke, adapter, new JsonRpcMethodAttribute(handler.Method) { UseSingleObjectParameterDeserialization = true });
    }
}

/// <summary>Answers the stand-in for an unparsable message (see <see cref="Transport.FrameSanitizer"/>) with ParseError.</summary>
public sealed class MalformedMessageTarget
{
    public object? Reject(JsonElement parameters = default) =>
        throw new LocalRpcException($"parse error: {(parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("reason", out var reason) ? reason.GetString() : "unparsable message")}")
        {
            ErrorCode = Protocol.ErrorCodes.ParseError,
        };
}

public sealed record LanguageServerOptions
{
    /// <summary>Quiet time after an edit before the document is analysed.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);
}
