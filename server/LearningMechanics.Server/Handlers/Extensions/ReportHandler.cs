using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Editor;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Server.Protocol;
using StreamJsonRpc;

namespace LearningMechanics.Server.Handlers.Extensions;

/// <summary>
/// learningMechanics/report: per-layer predicted q with the measured q of the last validation and, for an .onnx file,
/// the ONNX Runtime probe and the stored weights' statistics. The chart view and the ONNX editor render it as sent.
/// </summary>
public sealed class ReportHandler(ServerState state) : IRequestHandler<ReportParams, DocumentReport>
{
    public string Method => Protocol.Extensions.ReportRequest;

    public bool MutatesState => false;

    public async Task<DocumentReport> HandleAsync(ReportParams request, CancellationToken cancellationToken)
    {
        var document = state.Resolve(request.Uri)
            ?? throw new LocalRpcException($"no such document: {request.Uri}") { ErrorCode = ErrorCodes.InvalidParams };
        var analysis = await state.Scheduler.GetAsync(document, cancellationToken).ConfigureAwait(false);
        state.Verdicts.TryGetValue(document.Uri, out var verdicts);
        ValidationVerdict? VerdictOf(string model) =>
            verdicts is not null && verdicts.TryGetValue(model, out var v) && OnnxDocumentAnalyzer.SameContent(v.ContentHash, analysis.ContentHash) ? v : null;
        state.LrResults.TryGetValue(document.Uri, out var lrResults);
        (LearningMechanics.Analysis.Validation.LrLimitResult?, LearningMechanics.Analysis.Validation.LrRangeResult?) LrOf(string model) =>
            lrResults is not null && lrResults.TryGetValue(model, out var r)
                ? (r.Limit is { } limit && OnnxDocumentAnalyzer.SameContent(limit.ContentHash, analysis.ContentHash) ? r.Limit : null, r.Range is { } range && OnnxDocumentAnalyzer.SameContent(range.ContentHash, analysis.ContentHash) ? r.Range : null)
                : (null, null);
        if (!Analyzer.IsOnnx(document.Path))
            return ModelReports.For(analysis, request.ModelName, VerdictOf, lrOf: LrOf);

        var onnx = state.Analyzer.AnalyzeOnnx(document.Path, cancellationToken);
        // Design note: the probe runs an InferenceSession (up to its 30 s limit), so one run per file version is shared by
        // every request; a cancelled request does not cancel the shared run.
        var probe = await state.OnnxProbes.GetOrAdd(
            document.Path + "\n" + onnx.Document.ContentHash,
            _ => Task.Run(() => OnnxDocumentAnalyzer.Measure(onnx), CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ModelReports.For(onnx.Document, request.ModelName, VerdictOf, onnx.Report, probe, LrOf);
    }
}
