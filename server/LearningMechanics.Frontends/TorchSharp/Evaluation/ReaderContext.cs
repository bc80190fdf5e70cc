using System.Collections.Immutable;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>Per-document state shared by every interpreter run: the tree, its semantic model, limits and findings.</summary>
internal sealed class ReaderContext(string path, SyntaxTree tree, SemanticModel? semantic, CancellationToken cancellation)
{
    /// <summary>Evaluation steps one top-level run may take before it gives up.</summary>
    public const int StepLimit = 200_000;

    /// <summary>Nested calls (methods, lambdas, module forwards) one run may make.</summary>
    public const int DepthLimit = 24;

    public string Path { get; } = path;

    public SyntaxTree Tree { get; } = tree;

    public SemanticModel? Semantic { get; } = semantic;

    /// <summary>Other documents of the workspace: their classes can be used (a block defined in another file), never collected as models here.</summary>
    public IReadOnlyList<SyntaxTree> WorkspaceTrees { get; init; } = [];

    /// <summary>
    /// The top-level declarations (or the compilation unit, for its global statements) this reading covers; default for
    /// the whole document. See <see cref="DocumentPartition"/>.
    /// </summary>
    public ImmutableArray<SyntaxNode> Units { get; init; }

    /// <summary>Type names declared in several other workspace documents (name to files): never resolved to one of them.</summary>
    public IReadOnlyDictionary<string, ImmutableArray<string>> AmbiguousTypes { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>Type declarations that come from <see cref="WorkspaceTrees"/>.</summary>
    public HashSet<TypeDeclarationSyntax> ExternalTypes { get; } = [];

    public bool IsWorkspaceTree(SyntaxTree tree) => tree == Tree || WorkspaceTrees.Contains(tree);

    private readonly Dictionary<SyntaxTree, SemanticModel> _semanticModels = [];

    /// <summary>The semantic model of the tree that holds <paramref name="node"/> (the document's or a workspace document's).</summary>
    public SemanticModel? SemanticFor(SyntaxNode node)
    {
        if (Semantic is null || node.SyntaxTree == Tree)
            return Semantic;
        if (!_semanticModels.TryGetValue(node.SyntaxTree, out var model))
        {
            if (!Semantic.Compilation.ContainsSyntaxTree(node.SyntaxTree))
                return null;
            model = Semantic.Compilation.GetSemanticModel(node.SyntaxTree);
            _semanticModels[node.SyntaxTree] = model;
        }
        return model;
    }

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The workspace's learningmechanics.json (input shapes by model name).</summary>
    public WorkspaceSettings Settings { get; init; } = WorkspaceSettings.Empty;

    public int Steps { get; set; }

    /// <summary>Non-zero while a module class constructor runs: instances made there are submodules, not models.</summary>
    public int ConstructionDepth { get; set; }

    public Dictionary<string, TypeDeclarationSyntax> Types { get; } = [];

    public HashSet<TypeDeclarationSyntax> ModuleTypes { get; } = [];

    /// <summary>The first instance of each module class created outside module code, with the site that created it.</summary>
    public Dictionary<TypeDeclarationSyntax, UserModule> TopInstances { get; } = [];

    /// <summary>Module classes instantiated inside another module's construction (blocks of a larger model).</summary>
    public HashSet<TypeDeclarationSyntax> SubmoduleTypes { get; } = [];

    public Dictionary<VariableDeclaratorSyntax, Value> StaticCache { get; } = [];

    private readonly HashSet<(string, SourceSpan?, string)> _findingKeys = [];
    private readonly List<Finding?> _findings = [];

    public IEnumerable<Finding> Findings => _findings.OfType<Finding>();

    /// <summary>A mark for <see cref="Discard"/>: the number of findings so far.</summary>
    public int FindingMark => _findings.Count;

    public void Report(string code, Severity severity, string message, SourceSpan? span, string? model = null)
    {
        if (_findingKeys.Add((code, span, message)))
            _findings.Add(new Finding(code, severity, message, span, model));
    }

    /// <summary>Drops the findings added between two marks (code that turned out not to belong to any model).</summary>
    public void Discard(int from, int to)
    {
        for (var i = from; i < to && i < _findings.Count; i++)
            _findings[i] = null;
    }

    public SourceSpan Span(SyntaxNode node) => Span(node.SyntaxTree, node.Span);

    public SourceSpan Span(SyntaxToken token) => Span(token.SyntaxTree ?? Tree, token.Span);

    public SourceSpan Span(Microsoft.CodeAnalysis.Text.TextSpan span) => Span(Tree, span);

    private SourceSpan Span(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var lines = tree.GetLineSpan(span);
        return new SourceSpan(tree == Tree ? Path : tree.FilePath, lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
    }

    public ISymbol? Symbol(SyntaxNode node)
    {
        if (SemanticFor(node) is not { } semantic)
            return null;
        try
        {
            var info = semantic.GetSymbolInfo(node, Cancellation);
            return info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public Optional<object?> Constant(ExpressionSyntax expression)
    {
        if (SemanticFor(expression) is not { } semantic)
            return default;
        try
        {
            return semantic.GetConstantValue(expression, Cancellation);
        }
        catch (ArgumentException)
        {
            return default;
        }
    }

    public bool IsModuleType(TypeDeclarationSyntax type) => ModuleTypes.Contains(type);
}

/// <summary>Thrown inside the interpreter when a run exceeds its limits; caught where the run started.</summary>
internal sealed class EvaluationLimitException(string message) : Exception(message);
