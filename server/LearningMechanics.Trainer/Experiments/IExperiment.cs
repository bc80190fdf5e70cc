using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>One experiment kind (<see cref="ExperimentKinds"/>). Runs inside a dispose scope the caller owns.</summary>
public interface IExperiment
{
    string Kind { get; }

    ExperimentResult Run(ExperimentContext context, ExperimentRequest request);
}
