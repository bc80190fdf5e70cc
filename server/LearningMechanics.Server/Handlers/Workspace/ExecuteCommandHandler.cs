using System.Text.Json;
using LearningMechanics.Analysis;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Protocol;
using LearningMechanics.Server.Validation;
using StreamJsonRpc;

namespace LearningMechanics.Server.Handlers.Workspace;

/// <summary>
/// workspace/executeCommand, all with arguments <c>[uri, modelName?]</c>: "learningMechanics.validate" measures the model(s) on
/// the trainer and returns a summary per model (the verdicts also arrive as diagnostics and lens titles);
/// "learningMechanics.findLrLimit" and "learningMechanics.lrRangeTest" run the learning-rate experiments and return their
/// results per model (also shown in the report). Progress goes to the request's workDoneToken when it has one.
/// </summary>
public sealed class ExecuteCommandHandler(ServerState state) : IRequestHandler<ExecuteCommandParams, object?>
{
    private readonly ValidationRunner _runner = new(state);

    public string Method => "workspace/executeCommand";

    public bool MutatesState => false;

    public async Task<object?> HandleAsync(ExecuteCommandParams request, CancellationToken cancellationToken)
    {
        if (request.Command is not (Protocol.Extensions.ValidateCommand or Protocol.Extensions.FindLrLimitCommand or Protocol.Extensions.LrRangeTestCommand))
            throw new LocalRpcException($"unknown command {request.Command}") { ErrorCode = ErrorCodes.InvalidParams };
        var arguments = request.Arguments ?? [];
        if (arguments.Length == 0 || arguments[0].ValueKind != JsonValueKind.String)
            throw new LocalRpcException($"{request.Command} needs [documentUri, modelName?]") { ErrorCode = ErrorCodes.InvalidParams };
        var uri = arguments[0].GetString()!; // Checked to be a string above.
        var modelName = arguments.Length > 1 && arguments[1].ValueKind == JsonValueKind.String ? arguments[1].GetString() : null;

        var document = state.Resolve(uri) ?? throw new LocalRpcException($"no such document: {uri}") { ErrorCode = ErrorCodes.InvalidParams };
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        var models = analysis.Models.Where(m => modelName is null || m.Graph.Name == modelName).ToList();
        if (models.Count == 0)
            throw new LocalRpcException(modelName is null ? "no model in this document" : $"no model named {modelName} in this document") { ErrorCode = ErrorCodes.InvalidParams };

        var results = new List<object>();
        foreach (var model in models)
        {
            results.Add(request.Command switch
            {
                Protocol.Extensions.FindLrLimitCommand => await _runner.FindLrLimitAsync(document, model, analysis.ContentHash, cancellationToken, request.WorkDoneToken).ConfigureAwait(false),
                Protocol.Extensions.LrRangeTestCommand => await _runner.RunLrRangeTestAsync(document, model, analysis.ContentHash, cancellationToken, request.WorkDoneToken).ConfigureAwait(false),
                _ => Summary(await _runner.ValidateAsync(document, model, analysis.ContentHash, cancellationToken, request.WorkDoneToken).ConfigureAwait(false)),
            });
        }
        if (request.Command == Protocol.Extensions.ValidateCommand)
            await RefreshAsync(uri, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static object Summary(ValidationVerdict verdict) => new
    {
        model = verdict.ModelName,
        outcome = verdict.Finding.Code,
        headline = verdict.Headline,
        message = verdict.Finding.Message,
        device = verdict.Device,
        elapsedSeconds = verdict.ElapsedSeconds,
        confirmed = verdict.Confirmed,
        refuted = verdict.Refuted,
    };

    private async Task RefreshAsync(string uri, CancellationToken cancellationToken)
    {
        if (state.Resolve(uri) is TextDocument current)
        {
            var latest = await state.Scheduler.GetAsync(current, cancellationToken).ConfigureAwait(false);
            await DiagnosticsPublisher.RefreshAsync(state, current, latest).ConfigureAwait(false);
        }
        if (state.Client.SupportsCodeLensRefresh)
            await state.Client.RequestAsync("workspace/codeLens/refresh", null, CancellationToken.None).ConfigureAwait(false);
    }
}
