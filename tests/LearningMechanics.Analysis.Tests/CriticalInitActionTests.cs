using LearningMechanics.Analysis.Editor;

namespace LearningMechanics.Analysis.Tests;

/// <summary>
/// "Use critical initialisation" on layers inside Sequential(...): the edit is applied to the text, the text is analysed
/// again, and the reader must then see the new init (round trip), with chi_1 = 1 from the theory.
/// </summary>
public sealed class CriticalInitActionTests
{
    private static readonly Analyzer s_analyzer = new();

    [Fact]
    public void DeepTanh_SequentialAction_WritesCriticalTanhInitAndTheReaderSeesChi1One()
    {
        var text = File.ReadAllText(Path.Combine(Samples.Folder, "DeepTanh.cs"));
        var before = Assert.Single(s_analyzer.Analyze("/virtual/DeepTanh.cs", text).Models);
        Assert.True(before.Summary.Chi1 < 0.5, $"chi_1 before = {before.Summary.Chi1}");

        var action = CriticalInitAction(text, "Linear(64, width)");
        // tanh: phi'(0) = 1, so sigma_w^2 = 1 with zero biases; kaiming_normal_ with a = 1 gives Var(W) fan_in = 2/(1 + 1) = 1.
        Assert.Contains("σw² = 1, σb² = 0", action.Title);
        var edited = Apply(text, action);
        Assert.Contains("foreach (var module in model.modules())", edited);
        Assert.Contains("TorchSharp.torch.nn.init.kaiming_normal_(linear.weight, a: 1);", edited);
        Assert.Contains("TorchSharp.torch.nn.init.zeros_(linear.bias);", edited);
        // Inserted after the statement that builds the Sequential and before the optimizer line.
        Assert.True(edited.IndexOf("foreach (var module", StringComparison.Ordinal) > edited.IndexOf("Linear(width, 1));", StringComparison.Ordinal));
        Assert.True(edited.IndexOf("foreach (var module", StringComparison.Ordinal) < edited.IndexOf("var optimizer", StringComparison.Ordinal));

        var after = Assert.Single(s_analyzer.Analyze("/virtual/DeepTanh.cs", edited).Models);
        Assert.NotNull(after.Summary.Chi1);
        Assert.Equal(1.0, after.Summary.Chi1!.Value, 6);
        Assert.Equal("critical", after.Summary.Phase);
        Assert.All(after.Layers.Where(l => l.Kind == "Linear"), l => Assert.Equal(1.0, l.SigmaW2!.Value, 9));
        // Once critical, the action is no longer offered.
        Assert.DoesNotContain(CodeActions.For(s_analyzer.Analyze("/virtual/DeepTanh.cs", edited), edited, Line(edited, "Linear(64, width)"), Line(edited, "Linear(64, width)")),
            a => a.Title.StartsWith("Use critical initialisation", StringComparison.Ordinal));
    }

    [Fact]
    public void ReluSequentialWithNamedLayers_Action_WritesHeInitAndTheReaderSeesChi1One()
    {
        var text = File.ReadAllText(Path.Combine(Samples.Folder, "Mlp3.cs"));
        var action = CriticalInitAction(text, "Linear(128, 64)");
        Assert.Contains("σw² = 2", action.Title);
        var edited = Apply(text, action);
        Assert.Contains("kaiming_normal_(linear.weight, nonlinearity: TorchSharp.torch.nn.init.NonlinearityType.ReLU);", edited);
        var after = Assert.Single(s_analyzer.Analyze("/virtual/Mlp3.cs", edited).Models);
        Assert.Equal(1.0, after.Summary.Chi1!.Value, 6);
        Assert.All(after.Layers.Where(l => l.Kind == "Linear"), l => Assert.Equal(2.0, l.SigmaW2!.Value, 9));
    }

    [Fact]
    public void SequentialNotAssignedToAVariable_NoAction()
    {
        const string text = "using static TorchSharp.torch.nn;\npublic static class M { public static object Build() => Sequential(Linear(8, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 1)); }\n";
        var analysis = s_analyzer.Analyze("/virtual/Expression.cs", text);
        Assert.DoesNotContain(CodeActions.For(analysis, text, 1, 1), a => a.Title.StartsWith("Use critical initialisation", StringComparison.Ordinal));
    }

    private static CodeActionInfo CriticalInitAction(string text, string layer)
    {
        var analysis = s_analyzer.Analyze("/virtual/Model.cs", text);
        var line = Line(text, layer);
        return Assert.Single(CodeActions.For(analysis, text, line, line), a => a.Title.StartsWith("Use critical initialisation", StringComparison.Ordinal));
    }

    private static int Line(string text, string needle)
    {
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(needle, StringComparison.Ordinal));
        Assert.True(line >= 0, needle);
        return line;
    }

    /// <summary>Applies the action's edits (non-overlapping) from the last to the first.</summary>
    private static string Apply(string text, CodeActionInfo action)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
                lineStarts.Add(i + 1);
        }
        int Offset(int line, int character) => line < lineStarts.Count ? lineStarts[line] + character : text.Length;
        foreach (var edit in action.Edits.OrderByDescending(e => Offset(e.Span.StartLine, e.Span.StartCharacter)))
        {
            var start = Offset(edit.Span.StartLine, edit.Span.StartCharacter);
            var end = Offset(edit.Span.EndLine, edit.Span.EndCharacter);
            text = text[..start] + edit.NewText + text[end..];
        }
        return text;
    }
}
