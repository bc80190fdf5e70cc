using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Training;

public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
    RmsProp,
    Adagrad,
    Other,
}

/// <summary>
/// An optimizer as declared. The learning rate is a <see cref="Fact{T}"/>: known with its source, or unknown with the reason.
/// Momentum is heavy-ball momentum for SGD; Beta1/Beta2 are Adam's.
/// </summary>
public sealed record OptimizerSpec(
    OptimizerKind Kind,
    Fact<double> LearningRate,
    SourceSpan? Span,
    double Momentum = 0,
    bool Nesterov = false,
    double WeightDecay = 0,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    string? TypeName = null)
{
    public string Name => TypeName ?? Kind.ToString();

    /// <summary>
    /// Parameter groups with their own rates (<c>new Adam.ParamGroup[] { ... }</c>); empty for a single group. With groups,
    /// <see cref="LearningRate"/> is the largest group rate (the one a stability bound concerns).
    /// </summary>
    public ImmutableArray<ParamGroupSpec> Groups { get; init; } = [];
}

/// <summary>One parameter group: its effective rate (its own, or the optimizer's when it sets none).</summary>
public sealed record ParamGroupSpec(Fact<double> LearningRate, SourceSpan? Span);

public enum LossKind
{
    Mse,
    CrossEntropy,
    Nll,
    L1,
    Bce,
    Other,
}

/// <summary>PyTorch reductions. None of TorchSharp's losses carries a 1/2 (THEORY.md §0.2).</summary>
public enum LossReduction
{
    Mean,
    Sum,
    None,
}

public sealed record LossSpec(LossKind Kind, LossReduction Reduction, SourceSpan? Span, string? TypeName = null);

/// <summary>A learning-rate schedule; <see cref="PeakLearningRate"/> is the largest rate it reaches (OneCycleLR's max_lr).</summary>
public sealed record ScheduleSpec(string Kind, Fact<double> PeakLearningRate, SourceSpan? Span);

/// <summary>Everything about training the frontends could read next to the model.</summary>
public sealed record TrainingSetup(OptimizerSpec? Optimizer = null, LossSpec? Loss = null, Fact<long>? BatchSize = null, ScheduleSpec? Schedule = null)
{
    public static TrainingSetup None { get; } = new();
}
