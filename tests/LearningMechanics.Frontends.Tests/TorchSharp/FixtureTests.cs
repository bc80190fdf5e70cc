using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Training;
using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>
/// Data-driven corpus: every tests/fixtures/torchsharp/*.cs is read and rendered; the rendering must equal the
/// `.expected` snapshot next to it (UPDATE_EXPECT=1 rewrites snapshots; a missing one is written and the test fails once).
/// Each fixture also states hand-derived parameter counts as `// expect-params: Model = N`, checked independently.
/// </summary>
public sealed partial class FixtureTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Fixtures("torchsharp"), "*.cs").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void Corpus_HasAtLeast25Models()
    {
        Assert.True(Cases().Count >= 25);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_MatchesSnapshot(string name)
    {
        var path = RepoPaths.Fixtures("torchsharp", name + ".cs");
        var text = File.ReadAllText(path);
        var result = Read(text, name + ".cs");
        var rendered = Render(result);
        var expectedPath = Path.ChangeExtension(path, ".expected");
        if (Environment.GetEnvironmentVariable("UPDATE_EXPECT") == "1" || !File.Exists(expectedPath))
        {
            var existed = File.Exists(expectedPath);
            File.WriteAllText(expectedPath, rendered);
            Assert.True(existed, $"snapshot {expectedPath} was missing and has been written; review it and run again");
        }
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), rendered);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_ByNameFallback_ReadsTheSameModels(string name)
    {
        // Without the semantic model (binding failed, e.g. no TorchSharp reference) the by-name reading is the same.
        var path = RepoPaths.Fixtures("torchsharp", name + ".cs");
        var text = File.ReadAllText(path);
        var bound = Read(text, name + ".cs");
        var byName = LearningMechanics.Frontends.TorchSharp.TorchSharpReader.ByNameOnly.Read(name + ".cs", text);
        Assert.Equal(Render(bound), Render(byName));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_EveryPrefix_NeverThrows(string name)
    {
        // Half-typed code: every prefix of the file (cut every 97 characters) reads without an exception or internal error.
        var text = File.ReadAllText(RepoPaths.Fixtures("torchsharp", name + ".cs"));
        for (var length = 0; length < text.Length; length += 97)
        {
            var result = Read(text[..length], name + ".cs");
            Assert.DoesNotContain(result.Findings, f => f.Code == "reader-internal-error");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_ParameterCountsMatchHandDerivation(string name)
    {
        var path = RepoPaths.Fixtures("torchsharp", name + ".cs");
        var result = Read(File.ReadAllText(path), name + ".cs");
        var expectations = ExpectParams().Matches(File.ReadAllText(path)).ToList();
        Assert.NotEmpty(expectations);
        foreach (Match expectation in expectations)
        {
            var model = ModelNamed(result, expectation.Groups["name"].Value);
            Assert.Equal(long.Parse(expectation.Groups["count"].Value, CultureInfo.InvariantCulture), model.ParameterCount);
            Assert.Equal(expectation.Groups["lower"].Success, model.HasUnknownOps);
        }
    }

    [GeneratedRegex(@"// expect-params: (?<name>\S+) = (?<count>\d+)(?<lower> \(lower bound\))?")]
    private static partial Regex ExpectParams();

    private static string Render(LearningMechanics.Frontends.TorchSharp.ReadResult result)
    {
        var text = new StringBuilder();
        foreach (var model in result.Models)
        {
            text.Append(CultureInfo.InvariantCulture, $"model {model.Name} params={model.ParameterCount}{(model.HasUnknownOps ? " (lower bound)" : "")} output={model.Output} at {Position(model.Span)}\n");
            foreach (var node in model.Nodes)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {node.Id} {node.Name} {Reading.Render(node.Op)}");
                if (node.Inputs.Length > 0 && !(node.Inputs.Length == 1 && node.Inputs[0] == node.Id - 1))
                    text.Append(CultureInfo.InvariantCulture, $" <- {string.Join(",", node.Inputs)}");
                if (node.WeightInit is { } w && w is not TorchDefaultInit)
                    text.Append(CultureInfo.InvariantCulture, $" w={w.Describe()}");
                if (node.BiasInit is { } b && b is not TorchDefaultInit)
                    text.Append(CultureInfo.InvariantCulture, $" b={b.Describe()}");
                if (node.Span is { } span)
                    text.Append(CultureInfo.InvariantCulture, $" @{Position(span)}");
                text.Append('\n');
            }
            var training = model.Training;
            if (training.Optimizer is { } optimizer)
                text.Append(CultureInfo.InvariantCulture, $"  optimizer {optimizer.Name} lr={optimizer.LearningRate}{(optimizer.LearningRate.Source is { } source ? $" [{source}]" : "")} momentum={optimizer.Momentum} nesterov={optimizer.Nesterov} wd={optimizer.WeightDecay} betas=({optimizer.Beta1}, {optimizer.Beta2})\n");
            foreach (var group in training.Optimizer?.Groups ?? [])
                text.Append(CultureInfo.InvariantCulture, $"    group lr={group.LearningRate}{(group.LearningRate.Source is { } gs ? $" [{gs}]" : "")} @{Position(group.Span)}\n");
            if (training.Loss is { } loss)
                text.Append(CultureInfo.InvariantCulture, $"  loss {loss.TypeName} {loss.Reduction}\n");
            if (training.Schedule is { } schedule)
                text.Append(CultureInfo.InvariantCulture, $"  schedule {schedule.Kind} peak={schedule.PeakLearningRate}\n");
            if (training.BatchSize is { } batch)
                text.Append(CultureInfo.InvariantCulture, $"  batch {batch}\n");
            foreach (var finding in model.InferShapes().Findings)
                text.Append(CultureInfo.InvariantCulture, $"  shape {Position(finding.Span)} {finding.Message}\n");
            text.Append(CultureInfo.InvariantCulture, $"  output shape {model.InferShapes().OutputOf(model.Output)}\n");
        }
        foreach (var finding in result.Findings.OrderBy(f => f.Span?.StartLine).ThenBy(f => f.Span?.StartCharacter).ThenBy(f => f.Code, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{Position(finding.Span)} {finding.Severity.ToString().ToLowerInvariant()} {finding.Code}: {finding.Message}\n");
        return text.ToString();
    }

    private static string Position(LearningMechanics.Model.Values.SourceSpan? span) =>
        span is { } s ? $"{s.StartLine}:{s.StartCharacter}-{s.EndLine}:{s.EndCharacter}" : "-";
}
