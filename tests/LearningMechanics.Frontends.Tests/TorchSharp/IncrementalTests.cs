using System.Text;
using LearningMechanics.Frontends.TorchSharp;
using Microsoft.CodeAnalysis.CSharp;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>
/// Re-reading after an edit reuses the parts of the document the edit did not touch (<c>DocumentPartition</c>), and the
/// result is always the same as a fresh reading of the new text.
/// </summary>
public sealed class IncrementalTests
{
    private const string Path = "incremental.cs";

    private static string Render(ReadResult result)
    {
        var text = new StringBuilder();
        foreach (var model in result.Models)
        {
            text.AppendLine($"{model.Name} {model.ParameterCount} {model.Span} {model.Training.Optimizer?.LearningRate}");
            foreach (var node in model.Nodes)
                text.AppendLine($"  {node.Name} {node.Op.Describe()} {node.Span} [{string.Join(",", node.Inputs)}]");
        }
        foreach (var finding in result.Findings.OrderBy(f => f.Span?.StartLine).ThenBy(f => f.Span?.StartCharacter).ThenBy(f => f.Code, StringComparer.Ordinal))
            text.AppendLine($"{finding.Code} {finding.Span} {finding.Message}");
        return text.ToString();
    }

    private static string Fresh(string text) =>
        Render(TorchSharpReader.Shared.Read(CSharpSyntaxTree.ParseText(text, TorchSharpReader.Shared.ParseOptions, Path), default));

    [Fact]
    public void EditInsideOneModel_ReusesTheOtherModels_AndEqualsAFreshRead()
    {
        var text = TimingTests.LargeFile(6);
        var workspace = new TorchSharpWorkspace();
        var before = workspace.Update(Path, text);
        var at = text.IndexOf("Width = 67", StringComparison.Ordinal) + "Width = ".Length;
        var after = workspace.Edit(Path, at, 2, "99");
        var edited = text.Remove(at, 2).Insert(at, "99");
        Assert.Equal(Fresh(edited), Render(after));
        for (var i = 0; i < 6; i++)
        {
            var (old, now) = (before.Models.Single(m => m.Name == $"Model{i}"), after.Models.Single(m => m.Name == $"Model{i}"));
            if (i == 3)
                Assert.NotSame(old, now);
            else
                Assert.Same(old, now);
        }
    }

    [Theory]
    [InlineData("using TorchSharp;", "using TorchSharp;\n")]                     // a new line shifts every model
    [InlineData("0.01 * 2", "0.05 * 2")]                                          // the training code of one model
    [InlineData("public sealed class Model4", "public sealed class Model4x")]     // a class renamed: its driver no longer finds it
    [InlineData("Linear(784, Width)", "Linear(784, Model1.Width)")]                // one model now refers to another
    [InlineData("using static TorchSharp.torch.nn;", "")]                        // the usings of every part
    public void AnyEdit_EqualsAFreshRead(string find, string replace)
    {
        var text = TimingTests.LargeFile(6);
        var workspace = new TorchSharpWorkspace();
        workspace.Update(Path, text);
        var at = text.IndexOf(find, StringComparison.Ordinal);
        var edited = text.Remove(at, find.Length).Insert(at, replace);
        Assert.Equal(Fresh(edited), Render(workspace.Edit(Path, at, find.Length, replace)));
        Assert.Equal(Fresh(edited), Render(TorchSharpReader.Shared.Read(Path, edited)));
    }

    [Theory]
    [InlineData("// a comment above\n")]
    [InlineData("using TorchSharp;\n")]
    public void TopLevelStatements_LineAddedAbove_MovesTheSpans(string prefix)
    {
        const string script = "using static TorchSharp.torch.nn;\nvar model = Sequential(Linear(4, 8), Tanh(), Linear(8, 1));\npublic class Unused { }\nvar opt = TorchSharp.torch.optim.SGD(model.parameters(), 0.1);\n";
        TorchSharpReader.Shared.Read("script.cs", script);
        Assert.Equal(Fresh(prefix + script).Replace(Path, "script.cs", StringComparison.Ordinal), Render(TorchSharpReader.Shared.Read("script.cs", prefix + script)));
    }

    [Fact]
    public void ReadOfTheSameTextTwice_ReusesEveryModel()
    {
        var text = TimingTests.LargeFile(3);
        var first = TorchSharpReader.Shared.Read("twice.cs", text);
        var second = TorchSharpReader.Shared.Read("twice.cs", text);
        Assert.All(first.Models.Zip(second.Models), pair => Assert.Same(pair.First, pair.Second));
    }
}
