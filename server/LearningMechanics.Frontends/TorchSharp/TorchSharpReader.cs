using System.Collections.Immutable;
using LearningMechanics.Frontends.TorchSharp.Evaluation;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

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

    public ReadResult Read(string path, string text, CancellationToken ct = default)
    {
        var tree = CSharpSyntaxTree.ParseText(text ?? "", _parseOptions, path ?? "", cancellationToken: ct);
        return Read(tree, ct);
    }

    /// <summary>Reads an already parsed tree (the incremental workspace reuses trees across edits).</summary>
    internal ReadResult Read(SyntaxTree tree, CancellationToken ct) => Read(tree, [], ct);

    /// <summary>Reads one document whose classes may use classes declared in the other <paramref name="workspaceTrees"/>.</summary>
    internal ReadResult Read(SyntaxTree tree, IReadOnlyList<SyntaxTree> workspaceTrees, CancellationToken ct)
    {
        var path = tree.FilePath;
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
            var context = new ReaderContext(path, tree, semantic, ct) { Settings = WorkspaceSettings.For(path), WorkspaceTrees = workspaceTrees };
            return new ModelCollector(context).Collect();
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
            return new ReadResult([], [finding]);
        }
    }
}
