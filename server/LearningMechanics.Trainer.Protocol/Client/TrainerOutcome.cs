namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// How a trainer run ended. Exactly one of: <see cref="TrainerCompleted"/> (a <see cref="ResultMessage"/>),
/// <see cref="TrainerFailed"/> (the trainer refused the job with an <see cref="ErrorMessage"/>), <see cref="TrainerCrashed"/>
/// (the process died without a result, e.g. a libtorch abort), <see cref="TrainerTimedOut"/>, <see cref="TrainerCancelled"/>,
/// <see cref="TrainerUnavailable"/> (no trainer to start). A crash is a value, never an exception.
/// </summary>
public abstract record TrainerOutcome
{
    /// <summary>One line for logs, status bars and diagnostics.</summary>
    public abstract string Describe();

    /// <summary>The result when the run completed, else null.</summary>
    public ResultMessage? Result => (this as TrainerCompleted)?.Message;
}
