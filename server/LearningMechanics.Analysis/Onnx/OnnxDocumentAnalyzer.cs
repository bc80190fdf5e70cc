using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>
/// An .onnx file from disk to its analysis: the reader (graph with measured weight statistics, report), the theory through
/// <see cref="ModelAnalyzer"/>, and the spectra findings. Every finding sits at the start of the file (a zero span at
/// line 0), because a binary file has no text positions.
/// </summary>
public static class OnnxDocumentAnalyzer
{
    public static OnnxDocumentAnalysis Analyze(string path, string contentHash, OnnxReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var span = new SourceSpan(path, 0, 0, 0, 0);
        var read = OnnxReader.Read(path, options, cancellationToken);
        var models = read.Models.Select(graph => ModelAnalyzer.Analyze(graph, cancellationToken)).ToImmutableArray();
        var spectra = read.Report is { } report && models.Length > 0 ? OnnxFindings.Spectra(report, span, models[0].Graph.Name) : [];
        var findings = read.Findings.Concat(models.SelectMany(m => m.Findings)).Concat(spectra)
            .Select(f => f.Span is null ? f with { Span = span } : f)
            .ToImmutableArray();
        return new OnnxDocumentAnalysis(new DocumentAnalysis(path, contentHash, models, findings), read.Report);
    }

    /// <summary>
    /// The second phase of an analysis read with spectra off: the eigenvalue spectra and power-law fits of the pending
    /// layers (<see cref="OnnxReader.ReadSpectra"/>), and the spectra findings. The graph and the theory do not depend on the
    /// spectra and are kept; the content hash gains a suffix so that pulled diagnostics are not reported as unchanged.
    /// </summary>
    public static OnnxDocumentAnalysis CompleteSpectra(OnnxDocumentAnalysis first, OnnxReadOptions? options = null, IProgress<OnnxSpectraProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (first.Report is not { } report || !first.SpectraPending || first.Document.Models.IsEmpty)
            return first;
        var completed = OnnxReader.ReadSpectra(report, options, progress, cancellationToken);
        var span = new SourceSpan(first.Document.Path, 0, 0, 0, 0);
        var findings = first.Document.Findings.AddRange(OnnxFindings.Spectra(completed, span, first.Document.Models[0].Graph.Name));
        return new OnnxDocumentAnalysis(first.Document with { ContentHash = first.Document.ContentHash + SpectraHashSuffix, Findings = findings }, completed);
    }

    public const string SpectraHashSuffix = "+spectra";

    /// <summary>
    /// True when two content hashes name the same file content, with or without the spectra phase: a verdict recorded
    /// before the background spectra finished still belongs to the analysis that has them, and the other way round.
    /// </summary>
    public static bool SameContent(string a, string b) => Strip(a) == Strip(b);

    private static string Strip(string hash) =>
        hash.EndsWith(SpectraHashSuffix, StringComparison.Ordinal) ? hash[..^SpectraHashSuffix.Length] : hash;

    /// <summary>Runs the ONNX Runtime probe on an analysed file and pairs each measured q with the predicted one.</summary>
    public static OnnxProbeResult Measure(OnnxDocumentAnalysis analysis, OnnxProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (analysis.Report is not { } report || analysis.Document.Models.IsEmpty)
        {
            return new OnnxProbeResult([], (options ?? OnnxProbeOptions.Default).BatchSize, TimeSpan.Zero,
                [new Finding("onnx-probe-failed", Severity.Information, "The file was not read, so it is not measured", new SourceSpan(analysis.Document.Path, 0, 0, 0, 0))]);
        }
        var predicted = analysis.Document.Models[0].Layers.ToDictionary(l => l.NodeId, l => l.Q);
        return OnnxActivationProbe.Measure(analysis.Document.Path, report, predicted, options, cancellationToken);
    }
}
