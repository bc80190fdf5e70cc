using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Tests;

public sealed class TextDocumentTests
{
    private static TextDocumentContentChangeEvent Edit(int startLine, int startCharacter, int endLine, int endCharacter, string text) =>
        new(text, new Protocol.Range(new Position(startLine, startCharacter), new Position(endLine, endCharacter)));

    [Fact]
    public void Apply_IncrementalEdits_InOrder()
    {
        var document = new TextDocument("file:///a.cs", "csharp", 1, "var a = Linear(784, 128);\nvar b = ReLU();\n");
        var updated = document.Apply(2, [Edit(0, 15, 0, 18, "512"), Edit(1, 8, 1, 12, "Tanh")]);
        Assert.Equal("var a = Linear(512, 128);\nvar b = Tanh();\n", updated.Text);
        Assert.Equal(2, updated.Version);
    }

    [Fact]
    public void Apply_PositionsCountUtf16CodeUnits()
    {
        // "😀" is two UTF-16 code units: LSP character 2 is just after it.
        var document = new TextDocument("file:///a.cs", "csharp", 1, "// 😀x\nLinear(1, 2)");
        var updated = document.Apply(2, [Edit(0, 5, 0, 6, "y")]);
        Assert.Equal("// 😀y\nLinear(1, 2)", updated.Text);
    }

    [Fact]
    public void Apply_FullReplacement_WhenNoRange()
    {
        var document = new TextDocument("file:///a.cs", "csharp", 1, "old");
        Assert.Equal("new", document.Apply(2, [new TextDocumentContentChangeEvent("new")]).Text);
    }

    [Fact]
    public void LineIndex_PositionPastLineEnd_ClampsToLineEnd()
    {
        var lines = new LineIndex("ab\r\ncd\nef");
        Assert.Equal(3, lines.LineCount);
        Assert.Equal(2, lines.OffsetOf(0, 99));
        Assert.Equal(6, lines.OffsetOf(1, 99));
        Assert.Equal(4, lines.OffsetOf(1, 0));
        Assert.Equal(9, lines.OffsetOf(2, 5));
        Assert.Equal(9, lines.OffsetOf(7, 0));
    }
}
