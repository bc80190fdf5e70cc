namespace LearningMechanics.Theory;

/// <summary>
/// Whether a prediction's assumptions hold for this model. Outside the regime, <see cref="FailingAssumption"/> names
/// the assumption that fails and why (for example "finite width: sum 1/n_l = 0.31 > 0.2 (THEORY.md §4.3)").
/// </summary>
public sealed record Regime(bool IsInside, string? FailingAssumption)
{
    public static Regime Inside { get; } = new(true, null);

    public static Regime Outside(string failingAssumption) => new(false, failingAssumption);

    /// <summary>The first failing assumption wins; an inside regime defers to <paramref name="other"/>.</summary>
    public Regime And(Regime other) => IsInside ? other : this;
}
