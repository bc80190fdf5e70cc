using LearningMechanics.Analysis;
using LearningMechanics.Cli.Output;
using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Cli.Commands;

/// <summary><c>lmech check</c>: analyse every TorchSharp (.cs) and ONNX file under the given paths and print what the editor would show.</summary>
public static class CheckCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CheckOptions.Parse(args, error);
        if (options is null)
            return 2;
        var files = new List<string>();
        foreach (var path in options.Paths)
        {
            if (File.Exists(path))
                files.Add(Path.GetFullPath(path));
            else if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || Analyzer.IsOnnx(f))
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
                    .Select(Path.GetFullPath));
            else
            {
                error.WriteLine($"lmech: no such file or folder: {path}");
                return 2;
            }
        }
        files.Sort(StringComparer.Ordinal);

        // One workspace for the whole folder: a model class may use a block class declared in another file.
        var analyzer = new Analyzer { Workspace = new TorchSharpWorkspace() };
        foreach (var file in files.Where(f => f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                analyzer.RegisterCSharp(file, File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Reported when the file is analysed below.
            }
        }
        var analyses = new List<DocumentAnalysis>();
        foreach (var file in files)
        {
            try
            {
                analyses.Add(analyzer.AnalyzeFile(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"lmech: cannot read {file}: {ex.Message}");
            }
        }
        var root = options.Paths.Count == 1 && Directory.Exists(options.Paths[0]) ? Path.GetFullPath(options.Paths[0]) : Directory.GetCurrentDirectory();
        if (options.Format == OutputFormat.Json)
            JsonWriter.Write(analyses, root, output);
        else
            TextWriterReport.Write(analyses, root, output);

        var failing = options.FailOn is { } threshold
            ? analyses.SelectMany(a => a.Findings).Count(f => f.Severity <= threshold)
            : 0;
        return failing > 0 ? 1 : 0;
    }
}
