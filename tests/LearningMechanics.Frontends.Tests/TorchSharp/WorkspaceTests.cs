using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Several documents in one <see cref="TorchSharpWorkspace"/>: classes from another file, and dependants refreshed after an edit.</summary>
public sealed class WorkspaceTests
{
    private static readonly string s_blocks = RepoPaths.Fixtures("torchsharp", "cross_file", "Blocks.cs");
    private static readonly string s_model = RepoPaths.Fixtures("torchsharp", "cross_file", "Model.cs");

    [Fact]
    public void BlockClassFromAnotherDocument_IsResolved()
    {
        var workspace = new TorchSharpWorkspace();
        workspace.Update(s_blocks, File.ReadAllText(s_blocks));
        var result = workspace.Update(s_model, File.ReadAllText(s_model));
        var model = Assert.Single(result.Models);
        Assert.Equal("ResidualNet", model.Name);
        Assert.False(model.HasUnknownOps);
        Assert.Equal(9060, model.ParameterCount);
        Assert.Equal(2, model.Nodes.Count(n => n.Op is Add));
        // Nodes built in Blocks.cs point there; the document's findings are only its own.
        Assert.Contains(model.Nodes, n => n.Span?.Path == s_blocks);
        Assert.All(result.Findings, f => Assert.Equal(s_model, f.Span?.Path));
    }

    [Fact]
    public void WithoutTheOtherDocument_TheBlockIsUnknownWithReason()
    {
        var result = new TorchSharpWorkspace().Update(s_model, File.ReadAllText(s_model));
        var model = Assert.Single(result.Models);
        Assert.True(model.HasUnknownOps);
        Assert.Contains(model.Nodes.Select(n => n.Op).OfType<UnknownOp>(), u => u.Reason.Contains("ResidualBlock", StringComparison.Ordinal));
    }

    [Fact]
    public void EditingTheBlockFile_RefreshesTheModelThatUsesIt()
    {
        var workspace = new TorchSharpWorkspace();
        var blocks = File.ReadAllText(s_blocks);
        workspace.Update(s_blocks, blocks);
        workspace.Update(s_model, File.ReadAllText(s_model));
        var at = blocks.IndexOf("Expansion = 2", StringComparison.Ordinal) + "Expansion = ".Length;
        workspace.Edit(s_blocks, at, 1, "1");
        // Expansion 1: blocks of Linear(32, 32) 1,056 ×2 each; head Linear(32, 2) 66.
        Assert.Equal(544 + 2 * 2 * 1056 + 66, Assert.Single(workspace.Get(s_model).Models).ParameterCount);
        Assert.Contains(s_model, workspace.OtherDocuments(s_blocks));
    }

    [Fact]
    public void BlockDeclaredInTwoOtherFiles_IsUnknownNamingBothFiles_NeverAGuess()
    {
        var workspace = new TorchSharpWorkspace();
        var blocks = File.ReadAllText(s_blocks);
        workspace.Add("/ws/BlocksA.cs", blocks);
        workspace.Add("/ws/BlocksB.cs", blocks.Replace("Expansion = 2", "Expansion = 3", StringComparison.Ordinal));
        var model = Assert.Single(workspace.Update("/ws/Model.cs", File.ReadAllText(s_model)).Models);
        Assert.True(model.HasUnknownOps);
        var reason = model.Nodes.Select(n => n.Op).OfType<UnknownOp>().First().Reason;
        Assert.Contains("BlocksA.cs", reason, StringComparison.Ordinal);
        Assert.Contains("BlocksB.cs", reason, StringComparison.Ordinal);
        // Removing one copy resolves the name to the other.
        workspace.Close("/ws/BlocksB.cs");
        Assert.Equal(9060, Assert.Single(workspace.Get("/ws/Model.cs").Models).ParameterCount);
    }

    [Fact]
    public void ClassDeclaredInTheDocumentAndElsewhere_TheDocumentsOwnDeclarationWins()
    {
        var workspace = new TorchSharpWorkspace();
        var blocks = File.ReadAllText(s_blocks);
        var model = File.ReadAllText(s_model);
        // Another file declares a different ResidualBlock (Expansion 3); the model file carries its own copy (Expansion 2).
        workspace.Add("/ws/Other.cs", blocks.Replace("Expansion = 2", "Expansion = 3", StringComparison.Ordinal));
        var both = workspace.Update("/ws/Model.cs", model + "\n" + blocks.Replace("using", "// using", StringComparison.Ordinal));
        var alone = new TorchSharpWorkspace().Update("/ws/Model.cs", model + "\n" + blocks.Replace("using", "// using", StringComparison.Ordinal));
        Assert.Equal(9060, Assert.Single(both.Models, m => m.Name == "ResidualNet").ParameterCount);
        Assert.Equal(alone.Models.Select(m => (m.Name, m.ParameterCount)), both.Models.Select(m => (m.Name, m.ParameterCount)));
        Assert.Equal("", workspace.DependencyStamp("/ws/Model.cs"));
    }

    [Fact]
    public void DependencyStamp_ChangesWithTheBlockFileOnly()
    {
        var workspace = new TorchSharpWorkspace();
        var blocks = File.ReadAllText(s_blocks);
        workspace.Add(s_blocks, blocks);
        workspace.Add("/ws/Unrelated.cs", "public class Unrelated { }");
        workspace.Update(s_model, File.ReadAllText(s_model));
        var before = workspace.DependencyStamp(s_model);
        Assert.Equal(before, workspace.ReadStamp(s_model));
        workspace.Add("/ws/Unrelated.cs", "public class Unrelated { int x; }");
        Assert.Equal(before, workspace.DependencyStamp(s_model));
        workspace.Add(s_blocks, blocks.Replace("Expansion = 2", "Expansion = 1", StringComparison.Ordinal));
        Assert.NotEqual(before, workspace.DependencyStamp(s_model));
        Assert.Equal(544 + 2 * 2 * 1056 + 66, Assert.Single(workspace.Get(s_model).Models).ParameterCount);
    }

    [Fact]
    public void EditIntroducingAnotherFilesClass_MakesItADependency_AndRemovingItDropsIt()
    {
        var workspace = new TorchSharpWorkspace();
        workspace.Add("/ws/Blocks.cs", File.ReadAllText(s_blocks));
        const string text = "using TorchSharp;\nusing static TorchSharp.torch.nn;\npublic static class P\n{\n    public static void A() { var m = Sequential(Linear(2, 2)); }\n    public static void B() { }\n}\n";
        workspace.Update("/ws/P.cs", text);
        Assert.Equal("", workspace.DependencyStamp("/ws/P.cs"));
        var at = text.IndexOf("B() { ", StringComparison.Ordinal) + "B() { ".Length;
        const string use = "var r = new ResidualBlock(\"r\", 4); ";
        workspace.Edit("/ws/P.cs", at, 0, use);
        Assert.Contains("Blocks.cs", workspace.DependencyStamp("/ws/P.cs"), StringComparison.Ordinal);
        workspace.Edit("/ws/P.cs", at, use.Length, "");
        Assert.Equal("", workspace.DependencyStamp("/ws/P.cs"));
    }
}
