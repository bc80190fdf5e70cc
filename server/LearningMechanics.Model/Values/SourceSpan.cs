namespace LearningMechanics.Model.Values;

/// <summary>A range in a source file; lines and characters are 0-based and characters count UTF-16 code units, as LSP and Roslyn do.</summary>
public readonly record struct SourceSpan(string Path, int StartLine, int StartCharacter, int EndLine, int EndCharacter)
{
    public bool Contains(int line, int character) =>
        (StartLine < line || (StartLine == line && StartCharacter <= character)) &&
        (line < EndLine || (line == EndLine && character <= EndCharacter));

    public override string ToString() => $"{Path}:{StartLine + 1}:{StartCharacter + 1}";
}
