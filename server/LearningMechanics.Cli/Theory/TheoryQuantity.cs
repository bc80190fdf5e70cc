using System.Collections.Immutable;
using LearningMechanics.Theory;

namespace LearningMechanics.Cli.Theory;

/// <summary>
/// One number of <c>lmech theory</c>: value (null when it does not exist, with the reason in <see cref="Note"/>; may be
/// +infinity, never NaN), unit, assumptions, regime (inside, or which assumption fails) and evidence tag (THEORY.md §0.1).
/// </summary>
public sealed record TheoryQuantity(
    string Quantity,
    double? Value,
    string Unit,
    ImmutableArray<string> Assumptions,
    TheoryRegime Regime,
    Evidence Evidence,
    string Note);

/// <summary>Whether the assumptions hold for the parameters given; when not, the one that fails.</summary>
public sealed record TheoryRegime(bool Inside, string? FailingAssumption)
{
    public static TheoryRegime In { get; } = new(true, null);

    public static TheoryRegime Out(string failing) => new(false, failing);
}

/// <summary>What a subcommand prints: its name, the parameters as understood, and the quantities.</summary>
public sealed record TheoryAnswer(string Command, ImmutableDictionary<string, object> Parameters, ImmutableArray<TheoryQuantity> Results);
