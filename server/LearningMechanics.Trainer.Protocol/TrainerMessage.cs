using System.Collections.Immutable;

namespace LearningMechanics.Trainer.Protocol;

/// <summary>A line the trainer writes on stdout. Anything else it prints goes to stderr.</summary>
public abstract record TrainerMessage(string JobId);

/// <summary>Progress of the job, <see cref="Fraction"/> in [0, 1].</summary>
public sealed record ProgressMessage(string JobId, double Fraction, string Message) : TrainerMessage(JobId);

/// <summary>The finished job: what ran where, and one result per experiment.</summary>
public sealed record ResultMessage(
    string JobId,
    string Device,
    int Threads,
    int Seed,
    ImmutableArray<ExperimentResult> Results,
    double ElapsedSeconds) : TrainerMessage(JobId);

/// <summary>The trainer could not run the job (bad graph, unsupported op, libtorch missing); <see cref="Message"/> says why and what to do.</summary>
public sealed record ErrorMessage(string JobId, string Message) : TrainerMessage(JobId);

/// <summary>What one experiment measured: per-layer values and named scalars.</summary>
public sealed record ExperimentResult(
    string Kind,
    ImmutableArray<LayerMeasurement> Layers,
    ImmutableDictionary<string, double> Scalars,
    string? Note = null);

/// <summary>
/// Measurements at one node. <see cref="SecondMoment"/> is the mean over units and inputs of the node's output squared,
/// the empirical q^l of THEORY.md §2 when the node is a weight layer (pre-activation).
/// </summary>
public sealed record LayerMeasurement(int NodeId, string Name, double SecondMoment, double? GradientNormSquared = null);
