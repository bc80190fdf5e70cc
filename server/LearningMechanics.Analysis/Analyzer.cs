using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>
/// The facade the server and the CLI call: a document's text in, its models, predictions and findings out.
/// Results are cached by content hash, so re-opening or re-requesting unchanged text costs a dictionary lookup.
/// </summary>
public sealed class Analyzer
{
    private const int CacheCapacity = 256;
    private readonly ConcurrentDictionary<string, DocumentAnalysis> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OnnxDocumentAnalysis> _onnxCache = new(StringComparer.Ordinal);

    /// <summary>
    /// When set (the server), an .onnx file's first analysis leaves out the eigenvalue spectra (graph, shapes, theory and
    /// cheap weight statistics only); <see cref="CompleteOnnxSpectra"/> adds them later. The CLI reads everything at once.
    /// </summary>
    public bool DeferOnnxSpectra { get; init; }

    /// <summary>
    /// When set, C# documents are read together with the workspace's other documents, so that a block class declared in
    /// one file resolves in another (the CLI registers every file of the folder first, <see cref="RegisterCSharp"/>). The
    /// per-document cache is then bypassed: a result depends on the other files too (the workspace keeps its own
    /// per-part cache, and the theory cache is per model).
    /// </summary>
    public TorchSharpWorkspace? Workspace { get; init; }

    /// <summary>Adds a C# file's text to <see cref="Workspace"/> without reading or analysing it.</summary>
    public void RegisterCSharp(string path, string text) => Workspace?.Add(path, text);

    /// <summary>Removes a C# file from <see cref="Workspace"/> (deleted, or an editor copy with no file behind it closed).</summary>
    public void ForgetCSharp(string path) => Workspace?.Close(path);

    /// <summary>
    /// The content hash an analysis of this text would carry now: with a workspace, a C# document's hash covers the
    /// documents it is read with (<see cref="TorchSharpWorkspace.DependencyStamp"/>), so an analysis whose hash differs is
    /// out of date although its own text is unchanged (a block class in another file was edited).
    /// </summary>
    public string CurrentHash(string path, string text) =>
        WithStamp(ContentHash(text), Workspace is { } workspace && IsCSharp(path) ? workspace.DependencyStamp(path) : "");

    private static string WithStamp(string hash, string stamp) => stamp.Length == 0 ? hash : hash + "+" + ContentHash(stamp);

    private static bool IsCSharp(string path) => path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);

    /// <summary>Analyses a document; an .onnx document is read from disk (its editor text is irrelevant), see <see cref="AnalyzeOnnx"/>.</summary>
    public DocumentAnalysis Analyze(string path, string text, CancellationToken cancellationToken = default)
    {
        if (IsOnnx(path))
            return AnalyzeOnnx(path, cancellationToken).Document;
        var hash = ContentHash(text);
        var key = path + "\n" + hash;
        if (Workspace is not null && path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            return AnalyzeCSharp(path, text, hash, cancellationToken);
        if (_cache.TryGetValue(key, out var cached))
            return cached;
        var result = path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)
            ? AnalyzeCSharp(path, text, hash, cancellationToken)
            : new DocumentAnalysis(path, hash, [], []);
        if (_cache.Count >= CacheCapacity)
            _cache.Clear();
        _cache[key] = result;
        return result;
    }

    public DocumentAnalysis AnalyzeFile(string path, CancellationToken cancellationToken = default) =>
        IsOnnx(path) ? AnalyzeOnnx(path, cancellationToken).Document : Analyze(path, File.ReadAllText(path), cancellationToken);

    /// <summary>An .onnx file from disk, cached by full path, length and last write time; the report comes with the document view.</summary>
    public OnnxDocumentAnalysis AnalyzeOnnx(string path, CancellationToken cancellationToken = default)
    {
        var (key, stamp) = OnnxKey(path);
        if (_onnxCache.TryGetValue(key, out var cached))
            return cached;
        var result = OnnxDocumentAnalyzer.Analyze(path, stamp, DeferOnnxSpectra ? FirstPhase : null, cancellationToken);
        if (_onnxCache.Count >= CacheCapacity)
            _onnxCache.Clear();
        _onnxCache[key] = result;
        return result;
    }

    private static readonly OnnxReadOptions FirstPhase = OnnxReadOptions.Default with { Spectra = false };

    /// <summary>
    /// Adds the eigenvalue spectra to the cached first analysis of an .onnx file (same path, length and write time) and
    /// caches the result in its place; null when the file is not cached in that state (changed or never analysed).
    /// </summary>
    public OnnxDocumentAnalysis? CompleteOnnxSpectra(string path, IProgress<OnnxSpectraProgress>? progress, CancellationToken cancellationToken)
    {
        if (!_onnxCache.TryGetValue(OnnxKey(path).Key, out var first))
            return null;
        if (!first.SpectraPending)
            return first;
        var completed = OnnxDocumentAnalyzer.CompleteSpectra(first, OnnxReadOptions.Default, progress, cancellationToken);
        _onnxCache.TryUpdate(OnnxKey(path).Key, completed, first);
        return completed;
    }

    private static (string Key, string Stamp) OnnxKey(string path)
    {
        var info = new FileInfo(path);
        var stamp = info.Exists ? $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}" : "missing";
        return (info.FullName + "\n" + stamp, stamp);
    }

    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public static string ContentHash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);

    private DocumentAnalysis AnalyzeCSharp(string path, string text, string hash, CancellationToken cancellationToken)
    {
        var read = Workspace is { } workspace ? workspace.Update(path, text, cancellationToken) : TorchSharpReader.Shared.Read(path, text, cancellationToken);
        if (Workspace is { } workspaceRead)
            hash = WithStamp(hash, workspaceRead.ReadStamp(path));
        var models = read.Models.Select(graph => ModelAnalyzer.Analyze(graph, cancellationToken)).ToImmutableArray();
        var findings = read.Findings.Concat(models.SelectMany(m => m.Findings))
            .OrderBy(f => f.Span?.StartLine ?? -1).ThenBy(f => f.Span?.StartCharacter ?? -1)
            .ToImmutableArray();
        return new DocumentAnalysis(path, hash, models, findings);
    }
}
