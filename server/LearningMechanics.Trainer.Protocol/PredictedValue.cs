namespace LearningMechanics.Trainer.Protocol;

/// <summary>
/// A prediction sent with an experiment so the result can carry its verdict. <see cref="Quantity"/> names what the
/// experiment measures: "q" (forward-stats SecondMoment at <see cref="NodeId"/>), "q-ratio" (q at NodeId over q at
/// the previous weight node), "grad-norm-squared", or a scalar name of the experiment's result ("lr-threshold",
/// "hessian-lambda-max", "ntk-lambda-max", "final-loss"). The tolerance is |measured - predicted| &lt;=
/// <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> * |predicted| (numpy.isclose style).
/// </summary>
public sealed record PredictedValue(
    string Quantity,
    double Value,
    double RelativeTolerance,
    double AbsoluteTolerance = 0,
    int? NodeId = null,
    bool InRegime = true,
    string? RegimeNote = null);
