namespace LearningMechanics.Server.Documents;

/// <summary>
/// Maps LSP positions (0-based line, UTF-16 code unit) to string offsets. .NET strings are UTF-16, so a character
/// offset is a char index; a position past the end of a line clamps to the line end, as the LSP spec asks.
/// </summary>
public sealed class LineIndex
{
    private readonly int[] _lineStarts;
    private readonly int _length;
    private readonly string _text;

    public LineIndex(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
                starts.Add(i + 1);
            else if (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n'))
                starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
        _length = text.Length;
        _text = text;
    }

    public int LineCount => _lineStarts.Length;

    public int OffsetOf(int line, int character)
    {
        if (line < 0)
            return 0;
        if (line >= _lineStarts.Length)
            return _length;
        var start = _lineStarts[line];
        var end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] : _length;
        // The line's end excludes its terminator ("\n", "\r\n" or "\r").
        if (end > start && _text[end - 1] == '\n')
            end--;
        if (end > start && _text[end - 1] == '\r')
            end--;
        return Math.Min(start + Math.Max(character, 0), end);
    }
}
