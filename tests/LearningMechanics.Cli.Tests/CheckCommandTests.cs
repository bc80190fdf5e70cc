using System.Text.Json.Nodes;
using LearningMechanics.Cli.Commands;

namespace LearningMechanics.Cli.Tests;

/// <summary><c>lmech check</c> on a folder reads its C# files as one workspace: a block class declared in one file resolves in another.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void Check_Folder_ResolvesClassesAcrossFiles()
    {
        var folder = Fixture("torchsharp/cross_file");
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CheckCommand.Run([folder, "--format", "json"], output, error);
        Assert.True(code == 0, error.ToString());
        var model = JsonNode.Parse(output.ToString())!.AsArray()
            .SelectMany(file => file!["models"]!.AsArray())
            .Single(m => m!["name"]!.GetValue<string>() == "ResidualNet")!;
        // expect-params in Model.cs (checked against TorchSharp by the oracle tests): 9,060, exact.
        Assert.Equal(9060, model["summary"]!["parameters"]!.GetValue<long>());
        Assert.True(model["summary"]!["parametersExact"]!.GetValue<bool>());
    }

    [Fact]
    public void Check_SingleFile_WithoutTheBlocks_IsALowerBoundWithAReason()
    {
        var file = Path.Combine(Fixture("torchsharp/cross_file"), "Model.cs");
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, CheckCommand.Run([file, "--format", "json"], output, error));
        var model = JsonNode.Parse(output.ToString())!.AsArray().SelectMany(f => f!["models"]!.AsArray()).Single(m => m!["name"]!.GetValue<string>() == "ResidualNet")!;
        Assert.False(model["summary"]!["parametersExact"]!.GetValue<bool>());
    }

    private static string Fixture(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", relative);
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException($"tests/fixtures/{relative}");
    }
}
