using System.Collections.Immutable;
using LearningMechanics.Frontends.TorchSharp.Evaluation;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// Reads TorchSharp model definitions statically (Roslyn syntax plus a semantic model bound against TorchSharp's
/// managed assembly) into model graphs. It never compiles or runs user code and never throws on user input:
/// half-typed code yields what can be read plus findings.
/// </summary>
public sealed class TorchSharpReader
{
    private static readonly Lazy<TorchSharpReader> s_shared = new(() => new TorchSharpReader());

    private readonly ImmutableArray<MetadataReference> _references;

    private readonly CSharpParseOptions _parseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private readonly CSharpCompilationOptions _compilationOptions = new(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Disable, concurrentBuild: false);

    /// <summary>One reader for the process: it holds the metadata references, which are costly to load.</summary>
    public static TorchSharpReader Shared => s_shared.Value;

    private readonly bool _useSemanticModel;

    /// <summary>A reader that never binds (by-name matching only), to test the fallback used when binding fails.</summary>
    internal static TorchSharpReader ByNameOnly { get; } = new(useSemanticModel: false);

    private TorchSharpReader(bool useSemanticModel = true)
    {
        _useSemanticModel = useSemanticModel;
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        references.Add(MetadataReference.CreateFromFile(typeof(global::TorchSharp.torch).Assembly.Location));
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (var name in new[] { "System.Private.CoreLib.dll", "System.Runtime.dll", "System.Collections.dll", "System.Linq.dll", "netstandard.dll", "System.Console.dll", "System.Collections.Immutable.dll", "System.Runtime.Extensions.dll" })
        {
            var path = Path.Combine(runtimeDirectory, name);
            if (File.Exists(path))
                references.Add(MetadataReference.CreateFromFile(path));
        }
        _references = references.ToImmutable();
    }

    internal ImmutableArray<MetadataReference> References => _references;

    internal CSharpParseOptions ParseOptions => _parseOptions;

    /// <summary>The part cache of the last reading of each path, so repeated reads of an edited document re-read only the edited models.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PartCache> _lastReadings = new(StringComparer.Ordinal);

    private const int CachedDocuments = 256;

    public ReadResult Read(string path, string text, CancellationToken ct = default)
    {
        path ??= "";
        var tree = CSharpSyntaxTree.ParseText(text ?? "", _parseOptions, path, cancellationToken: ct);
        var (result, cache) = Read(tree, [], null, _lastReadings.TryGetValue(path, out var previous) ? previous : null, ct);
        if (_lastReadings.Count >= CachedDocuments)
            _lastReadings.Clear();
        _lastReadings[path] = cache;
        return result;
    }

    /// <summary>Reads an already parsed tree (the incremental workspace reuses trees across edits).</summary>
    internal ReadResult Read(SyntaxTree tree, CancellationToken ct) => Read(tree, [], null, null, ct).Result;

    /// <summary>Reads one document whose classes may use classes declared in the other <paramref name="workspaceTrees"/>.</summary>
    internal ReadResult Read(SyntaxTree tree, IReadOnlyList<SyntaxTree> workspaceTrees, CancellationToken ct) => Read(tree, workspaceTrees, null, null, ct).Result;

    /// <summary>
    /// Reads a document part by part (<see cref="DocumentPartition"/>); parts whose key is in <paramref name="previous"/>
    /// (the cache of this document's last reading) are reused, so after an edit only the edited models are read again.
    /// Returns the cache for the next reading. Documents read with other workspace documents are read whole, uncached.
    /// <paramref name="ambiguous"/>: type names declared in several other workspace documents (name to files); the
    /// reader never picks one of them.
    /// </summary>
    internal (ReadResult Result, PartCache Cache) Read(SyntaxTree tree, IReadOnlyList<SyntaxTree> workspaceTrees,
        IReadOnlyDictionary<string, ImmutableArray<string>>? ambiguous, PartCache? previous, CancellationToken ct)
    {
        var path = tree.FilePath;
        var settings = WorkspaceSettings.For(path);
        ambiguous ??= ImmutableDictionary<string, ImmutableArray<string>>.Empty;
        var ambiguityKey = string.Join(";", ambiguous.Keys.Order(StringComparer.Ordinal));
        var next = new PartCache(settings, ambiguityKey);
        try
        {
            SemanticModel? semantic = null;
            try
            {
                var compilation = CSharpCompilation.Create("LearningMechanicsRead", [tree, .. workspaceTrees], _references, _compilationOptions);
                semantic = _useSemanticModel ? compilation.GetSemanticModel(tree) : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                semantic = null;
            }
            var findings = ImmutableArray.CreateBuilder<Finding>();
            foreach (var problem in settings.Problems)
                findings.Add(new Finding("settings-invalid", Severity.Warning, $"{problem} ({settings.Path}); its input shapes are not used", new SourceSpan(path, 0, 0, 0, 0)));
            if (workspaceTrees.Count > 0)
            {
                var whole = new ModelCollector(new ReaderContext(path, tree, semantic, ct) { Settings = settings, WorkspaceTrees = workspaceTrees, AmbiguousTypes = ambiguous }).Collect();
                return (new ReadResult(whole.Models, findings.ToImmutable().AddRange(whole.Findings)), next);
            }
            var reusable = previous is not null && ReferenceEquals(previous.Settings, settings) && previous.AmbiguityKey == ambiguityKey ? previous : null;
            var root = (CompilationUnitSyntax)tree.GetRoot(ct);
            var models = ImmutableArray.CreateBuilder<LearningMechanics.Model.Graph.ModelGraph>();
            foreach (var part in DocumentPartition.Of(root, reusable?.Names ?? [], next.Names, ct))
            {
                if (reusable is null || !reusable.Parts.TryGetValue(part.Key, out var result))
                    result = new ModelCollector(new ReaderContext(path, tree, semantic, ct) { Settings = settings, Units = part.Units, AmbiguousTypes = ambiguous }).Collect();
                next.Parts[part.Key] = result;
                models.AddRange(result.Models);
                findings.AddRange(result.Findings);
            }
            var ordered = models.OrderBy(m => m.Span?.StartLine).ThenBy(m => m.Span?.StartCharacter).ToImmutableArray();
            return (new ReadResult(ordered, findings.ToImmutable()), next);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Design note: user input must never crash the server; an internal failure is reported as a finding.
            var finding = new Finding("reader-internal-error", Severity.Warning,
                $"the TorchSharp reader failed on this document ({ex.GetType().Name}: {ex.Message})", new SourceSpan(path, 0, 0, 0, 0));
            return (new ReadResult([], [finding]), new PartCache(settings, ambiguityKey));
        }
    }
}

/// <summary>The per-part results of one document's last reading, keyed by part text and position (<see cref="DocumentPartition"/>).</summary>
internal sealed class PartCache(WorkspaceSettings settings, string ambiguityKey)
{
    public WorkspaceSettings Settings { get; } = settings;

    /// <summary>The ambiguous workspace type names the parts were read with (a change re-reads every part).</summary>
    public string AmbiguityKey { get; } = ambiguityKey;

    public Dictionary<string, ReadResult> Parts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DocumentPartition.UnitNames> Names { get; } = new(StringComparer.Ordinal);
}
