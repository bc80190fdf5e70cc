namespace LearningMechanics.Theory;

/// <summary>
/// How close a measurement must come to the prediction: |measured - predicted| &lt;= Absolute + Relative * |predicted|.
/// <see cref="Description"/> states it in words, including rules such as "log-slope within ±0.05 per layer".
/// </summary>
public sealed record Tolerance(double Relative, double Absolute, string Description)
{
    public static Tolerance RelativeOf(double relative, string description) => new(relative, 0, description);

    public static Tolerance Exact { get; } = new(1e-9, 0, "exact identity");

    public bool Accepts(double predicted, double measured) => Math.Abs(measured - predicted) <= Absolute + Relative * Math.Abs(predicted);
}
