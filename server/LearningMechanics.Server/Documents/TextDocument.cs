using LearningMechanics.Server.Protocol;

namespace LearningMechanics.Server.Documents;

/// <summary>An immutable snapshot of an open document. Edits make a new snapshot.</summary>
public sealed record TextDocument(string Uri, string LanguageId, int Version, string Text)
{
    private LineIndex? _lines;

    public LineIndex Lines => _lines ??= new LineIndex(Text);

    /// <summary>The local file path of a file:// URI, or the URI itself for other schemes.</summary>
    public string Path => UriPaths.ToPath(Uri);

    public TextDocument Apply(int version, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        var text = Text;
        foreach (var change in changes)
        {
            if (change.Range is null)
            {
                text = change.Text;
                continue;
            }
            var lines = new LineIndex(text);
            var start = lines.OffsetOf(change.Range.Start.Line, change.Range.Start.Character);
            var end = Math.Max(start, lines.OffsetOf(change.Range.End.Line, change.Range.End.Character));
            text = string.Concat(text.AsSpan(0, start), change.Text, text.AsSpan(end));
        }
        return this with { Version = version, Text = text, _lines = null };
    }
}
