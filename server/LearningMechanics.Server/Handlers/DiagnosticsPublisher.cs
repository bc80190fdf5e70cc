using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Server.Conversions;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Handlers;

/// <summary>Builds a document's diagnostics (analysis findings plus validation verdicts) and pushes or refreshes them.</summary>
public static class DiagnosticsPublisher
{
    public static Diagnostic[] For(ServerState state, string uri, DocumentAnalysis analysis)
    {
        var findings = analysis.Findings.AsEnumerable();
        if (state.Verdicts.TryGetValue(uri, out var verdicts))
        {
            var current = analysis.Models.Select(m => m.Graph.Name).ToHashSet(StringComparer.Ordinal);
            findings = findings.Concat(verdicts.Values.Where(v => current.Contains(v.ModelName) && OnnxDocumentAnalyzer.SameContent(v.ContentHash, analysis.ContentHash)).Select(v => v.Finding));
        }
        return findings.Select(ToLsp.Diagnostic).ToArray();
    }

    public static string ResultId(ServerState state, string uri, DocumentAnalysis analysis)
    {
        var verdictStamp = state.Verdicts.TryGetValue(uri, out var verdicts) ? string.Join(",", verdicts.Values.Select(v => v.Stamp)) : "";
        return $"{analysis.ContentHash}:{verdictStamp.GetHashCode():x8}";
    }

    /// <summary>After an analysis: push to clients that cannot pull (pulling clients pull on their own after an edit).</summary>
    public static Task PushAsync(ServerState state, TextDocument document, DocumentAnalysis analysis)
    {
        if (state.Client.SupportsPullDiagnostics)
            return Task.CompletedTask;
        var version = document.Version >= 0 ? document.Version : (int?)null;
        return state.Client.PublishDiagnosticsAsync(new PublishDiagnosticsParams(document.Uri, version, For(state, document.Uri, analysis)));
    }

    /// <summary>After something other than an edit changed the diagnostics (a validation verdict): push, or ask a pulling client to refresh.</summary>
    public static async Task RefreshAsync(ServerState state, TextDocument document, DocumentAnalysis analysis)
    {
        if (!state.Client.SupportsPullDiagnostics)
        {
            await PushAsync(state, document, analysis).ConfigureAwait(false);
            return;
        }
        if (state.Client.SupportsDiagnosticRefresh)
            await state.Client.RequestAsync("workspace/diagnostic/refresh", null).ConfigureAwait(false);
    }
}
