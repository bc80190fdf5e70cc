namespace LearningMechanics.Theory;

public static class EvidenceExtensions
{
    /// <summary>The bracketed tag THEORY.md uses: "[V]", "[C]", "[D]" or "[U]".</summary>
    public static string Tag(this Evidence evidence) => evidence switch
    {
        Evidence.Verified => "[V]",
        Evidence.Computed => "[C]",
        Evidence.Derived => "[D]",
        _ => "[U]",
    };
}
