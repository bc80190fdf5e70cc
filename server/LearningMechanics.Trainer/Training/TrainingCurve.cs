using System.Collections.Immutable;

namespace LearningMechanics.Trainer.Training;

/// <summary>
/// The loss before each step (and after the last: Losses has StepsRun + 1 entries unless the run diverged), and
/// whether it diverged: a non-finite loss, or one above <see cref="TrainingLoop.DivergenceFactor"/> times max(initial loss, 1).
/// </summary>
public sealed record TrainingCurve(ImmutableArray<double> Losses, bool Diverged, int StepsRun)
{
    public double Initial => Losses[0];

    public double Final => Losses[^1];

    /// <summary>True when no step raised the loss by more than the relative slack.</summary>
    public bool IsMonotone(double slack = 1e-6) =>
        !Diverged && Losses.Zip(Losses.Skip(1)).All(pair => pair.Second <= pair.First * (1 + slack) + 1e-12);

    /// <summary>A loss spike (above the initial loss) from which the run recovered to below the initial loss: the catapult of THEORY.md §8.2.</summary>
    public bool IsCatapult => !Diverged && Losses.Max() > Initial * 1.01 && Final < Initial;
}
