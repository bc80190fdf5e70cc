using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchSharp;

namespace LearningMechanics.Trainer.Tests.TorchSharpOracle;

/// <summary>
/// Compiles a corpus fixture (our own test code, valid C#) together with oracle entry points, loads it into a
/// collectible context and builds the modules with the real TorchSharp library, so parameter counts come from
/// <c>numel</c> of what TorchSharp allocates, not from our graph or a hand count.
/// </summary>
internal static class FixtureCompiler
{
    private const string Usings = """
        using System.Collections.Generic;
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        """;

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>
    /// Compiles <paramref name="fixtureSource"/> (or nothing, for a hand translation) plus one static method per entry
    /// (a C# expression of type <c>nn.Module</c>), then invokes each and returns the built modules.
    /// </summary>
    public static IReadOnlyList<torch.nn.Module> Build(string? fixtureSource, IReadOnlyList<string> entries) =>
        Build(fixtureSource is null ? [] : [fixtureSource], entries);

    /// <summary>As above, for a fixture made of several files compiled together.</summary>
    public static IReadOnlyList<torch.nn.Module> Build(IReadOnlyList<string> fixtureSources, IReadOnlyList<string> entries)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = fixtureSources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parse, $"fixture{i}.cs")).ToList();
        var methods = string.Join("\n", entries.Select((e, i) => $"    public static nn.Module Entry{i}() => {e};"));
        trees.Add(CSharpSyntaxTree.ParseText($"{Usings}public static class OracleEntries\n{{\n{methods}\n}}\n", parse, "oracle.cs"));
        var compilation = CSharpCompilation.Create($"Oracle{Guid.NewGuid():N}", trees, s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success, "oracle compilation failed:\n" + string.Join("\n", errors));
        image.Position = 0;
        var context = new AssemblyLoadContext("oracle", isCollectible: true);
        try
        {
            var type = context.LoadFromStream(image).GetType("OracleEntries")!;
            return entries.Select((_, i) => (torch.nn.Module)type.GetMethod($"Entry{i}", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!).ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Sum of <c>numel</c> over the module's (registered) parameters, as TorchSharp reports them.</summary>
    public static long Numel(torch.nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>tests/fixtures/torchsharp, found above the test assembly.</summary>
    public static string FixtureDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "torchsharp");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException("tests/fixtures/torchsharp not found above " + AppContext.BaseDirectory);
        }
    }
}
