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
/// <remarks>
/// <see cref="Series"/> holds curves (for example "loss" per step); <see cref="Verdicts"/> holds the trainer's own
/// checks of predictions sent with the experiment (<see cref="ExperimentRequest.Predictions"/>).
/// </remarks>
public sealed record ExperimentResult(
    string Kind,
    ImmutableArray<LayerMeasurement> Layers,
    ImmutableDictionary<string, double> Scalars,
    string? Note = null,
    ImmutableDictionary<string, ImmutableArray<double>>? Series = null,
    ImmutableArray<Verdict> Verdicts = default);

/// <summary>
/// Measurements at one node. <see cref="SecondMoment"/> is the mean over units and inputs of the node's output squared,
/// the empirical q^l of THEORY.md §2 when the node is a weight layer (pre-activation).
/// <para><see cref="GradientNormSquared"/> is the squared Frobenius norm of the gradient of the probe scalar with respect to
/// the node's weight; <see cref="GradientSecondMoment"/> the mean over units and inputs of the squared gradient with
/// respect to the node's output (the backward q of THEORY.md §4). <see cref="WeightSigmaW2"/> is the measured
/// fan-in-normalised second moment of the weight, mean(W^2) * fan_in, and <see cref="BiasSigmaB2"/> mean(b^2):
/// what the init actually produced.</para>
/// </summary>
public sealed record LayerMeasurement(
    int NodeId,
    string Name,
    double SecondMoment,
    double? GradientNormSquared = null,
    string? Kind = null,
    double? Mean = null,
    double? GradientSecondMoment = null,
    double? WeightSigmaW2 = null,
    double? BiasSigmaB2 = null);
