namespace LearningMechanics.Trainer.Protocol;

/// <summary>How a measurement compares with its prediction.</summary>
public enum VerdictOutcome
{
    /// <summary>In regime, and the measurement lies within the tolerance.</summary>
    Confirmed,

    /// <summary>In regime, and the measurement lies outside the tolerance.</summary>
    Refuted,

    /// <summary>The prediction's assumptions do not hold here (say, depth/width too large); reported, not scored.</summary>
    OutOfRegime,

    /// <summary>The experiment did not produce the quantity (not finite, node not measured).</summary>
    NotMeasured,
}
