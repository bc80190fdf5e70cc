using System.Text.RegularExpressions;
using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using Xunit.Abstractions;

namespace LearningMechanics.Trainer.Tests.TorchSharpOracle;

/// <summary>
/// The held-out simulation of issue 3: model files written in idioms real TorchSharp code uses (tests/fixtures/torchsharp/heldout,
/// committed before the reader was fixed for them), read as <c>lmech check</c> reads a folder (one workspace), each model
/// built by TorchSharp itself. A model is exact (known count equal to TorchSharp's numel and the same number of layers
/// with parameters), an honest unknown (count marked inexact, a lower bound, with the reason), missed, or WRONG (a known
/// count or layer count that differs from TorchSharp's). Each file names its models and how TorchSharp builds them:
/// <c>// oracle: Name = expression</c> (compiled with the file) or <c>// oracle-alone: Name = expression</c> (without it).
/// </summary>
[Trait("Category", "Oracle")]
public sealed partial class HeldOutAccuracyTests(ITestOutputHelper output)
{
    private enum Outcome { Exact, HonestUnknown, Missed, Wrong }

    /// <summary>
    /// The files as committed, read as one folder. Most model classes there have no instantiation site, so their
    /// constructor arguments are unknown: those models must be honest unknowns, never a wrong known count.
    /// </summary>
    [Fact]
    public void HeldOutFiles_Alone_NoWrongKnownCount()
    {
        var outcomes = Score(withPrograms: false);
        Assert.DoesNotContain(outcomes, o => o.Outcome == Outcome.Wrong);
    }

    /// <summary>
    /// Each file with a training program in another file of the folder that instantiates its models as the oracle line
    /// does (<c>Program_&lt;file&gt;.cs</c>, generated), as real projects do (TorchSharpExamples: models in Models/, the
    /// <c>new Model(...)</c> in the training code): at least 95 % exact, none wrong.
    /// </summary>
    [Fact]
    public void HeldOutFiles_WithTheirTrainingPrograms_NoWrongKnownCount_AtLeast95PercentExact()
    {
        var outcomes = Score(withPrograms: true);
        Assert.DoesNotContain(outcomes, o => o.Outcome == Outcome.Wrong);
        var exact = outcomes.Count(o => o.Outcome == Outcome.Exact);
        Assert.True(exact >= 0.95 * outcomes.Count, $"{exact} of {outcomes.Count} exact");
    }

    private List<(string Case, Outcome Outcome, string Detail)> Score(bool withPrograms)
    {
        var folder = Path.Combine(FixtureCompiler.FixtureDirectory, "heldout");
        var files = Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 20, $"only {files.Count} held-out files");
        var workspace = new TorchSharpWorkspace();
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            workspace.Add(file, source);
            var sites = OracleLine().Matches(source).Where(m => m.Groups[1].Value.Length == 0).Select(m => $"        var m{m.Index} = {m.Groups[3].Value.Trim()};").ToList();
            if (withPrograms && sites.Count > 0)
            {
                var program = $"using TorchSharp;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n\npublic static class Program_{Path.GetFileNameWithoutExtension(file)}\n{{\n    public static void Main()\n    {{\n{string.Join("\n", sites)}\n    }}\n}}\n";
                workspace.Add(Path.Combine(folder, $"Program_{Path.GetFileName(file)}"), program);
            }
        }
        var outcomes = new List<(string Case, Outcome Outcome, string Detail)>();
        var oracleErrors = new List<string>();
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            var read = workspace.Get(file);
            foreach (Match match in OracleLine().Matches(source))
            {
                var (alone, name, build) = (match.Groups[1].Value == "-alone", match.Groups[2].Value, match.Groups[3].Value.Trim());
                var label = $"{Path.GetFileNameWithoutExtension(file)}:{name}";
                TorchSharp.torch.nn.Module module;
                try
                {
                    module = FixtureCompiler.Build(alone ? null : source, [build])[0];
                }
                catch (Xunit.Sdk.XunitException compile)
                {
                    oracleErrors.Add($"{label}: {compile.Message}");
                    continue;
                }
                var numel = FixtureCompiler.Numel(module);
                var layers = module.modules().Count(m => !m.children().Any() && m.parameters(recurse: false).Any());
                outcomes.Add(Classify(label, read.Models.FirstOrDefault(m => m.Name == name), numel, layers, read));
            }
        }
        foreach (var (label, outcome, detail) in outcomes)
            output.WriteLine($"{outcome,-14} {label}: {detail}");
        output.WriteLine($"held-out{(withPrograms ? " with training programs" : " alone")}: {outcomes.Count} models in {files.Count} files: {outcomes.Count(o => o.Outcome == Outcome.Exact)} exact, "
            + $"{outcomes.Count(o => o.Outcome == Outcome.HonestUnknown)} honest unknown, {outcomes.Count(o => o.Outcome == Outcome.Missed)} missed, {outcomes.Count(o => o.Outcome == Outcome.Wrong)} WRONG");
        Assert.True(oracleErrors.Count == 0, string.Join("\n", oracleErrors));
        return outcomes;
    }

    private static (string, Outcome, string) Classify(string label, ModelGraph? model, long numel, int layers, ReadResult read)
    {
        if (model is null)
            return (label, Outcome.Missed, $"no model of that name (found {string.Join(", ", read.Models.Select(m => m.Name))}); findings: {string.Join("; ", read.Findings.Select(f => f.Message))}");
        var reasons = string.Join("; ", model.Nodes.Select(n => n.Op).OfType<UnknownOp>().Select(u => u.Reason).Concat(model.UncountedParameters).Distinct());
        var readerLayers = model.Nodes.Where(n => n.Op.ParameterCount > 0).Select(n => n.Name).Distinct().Count();
        var detail = $"reader {model.ParameterCount}{(model.ParameterCountIsExact ? "" : "+")} ({readerLayers} layers with parameters), TorchSharp {numel} ({layers})";
        if (!model.ParameterCountIsExact)
            return model.ParameterCount <= numel && reasons.Length > 0 ? (label, Outcome.HonestUnknown, $"{detail}; {reasons}") : (label, Outcome.Wrong, $"{detail}; unknown but not a lower bound: {reasons}");
        return model.ParameterCount == numel && readerLayers == layers ? (label, Outcome.Exact, detail) : (label, Outcome.Wrong, detail);
    }

    [GeneratedRegex(@"^// oracle(-alone)?: (\w+) = (.+)$", RegexOptions.Multiline)]
    private static partial Regex OracleLine();
}
