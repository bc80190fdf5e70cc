namespace LearningMechanics.Server.Tests;

/// <summary>LSP positions (zero-based line and UTF-16 column) of text in a test document.</summary>
internal static class TextPositions
{
    /// <summary>The position of the first occurrence of <paramref name="needle"/>.</summary>
    public static (int Line, int Character) Find(string text, string needle)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var column = lines[i].IndexOf(needle, StringComparison.Ordinal);
            if (column >= 0)
                return (i, column);
        }
        throw new InvalidOperationException($"'{needle}' not in the text");
    }
}
