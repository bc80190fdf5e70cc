namespace LearningMechanics.Trainer.Protocol;

/// <summary>A prediction set against what was measured, with the outcome and a sentence that says why.</summary>
public sealed record Verdict(
    PredictedValue Prediction,
    double? Measured,
    VerdictOutcome Outcome,
    string Reason)
{
    /// <summary>
    /// Judges a measurement: not finite or missing is <see cref="VerdictOutcome.NotMeasured"/>; a prediction outside its
    /// regime is <see cref="VerdictOutcome.OutOfRegime"/> whatever the number; otherwise confirmed within tolerance.
    /// </summary>
    public static Verdict Judge(PredictedValue prediction, double? measured)
    {
        if (measured is not double value || !double.IsFinite(value))
            return new(prediction, measured, VerdictOutcome.NotMeasured, $"{prediction.Quantity}: no finite measurement");
        var allowed = prediction.AbsoluteTolerance + prediction.RelativeTolerance * Math.Abs(prediction.Value);
        var error = Math.Abs(value - prediction.Value);
        var relative = prediction.Value != 0 ? $" ({error / Math.Abs(prediction.Value):P1})" : "";
        var comparison = $"{prediction.Quantity}: predicted {prediction.Value:G4}, measured {value:G4}, off by {error:G3}{relative}, allowed {allowed:G3}";
        if (!prediction.InRegime)
            return new(prediction, value, VerdictOutcome.OutOfRegime, $"{comparison}; out of regime: {prediction.RegimeNote ?? "assumptions do not hold"}");
        return error <= allowed
            ? new(prediction, value, VerdictOutcome.Confirmed, comparison)
            : new(prediction, value, VerdictOutcome.Refuted, comparison);
    }
}
