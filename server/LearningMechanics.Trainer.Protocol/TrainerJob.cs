using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Trainer.Protocol;

/// <summary>
/// One job for the trainer, sent as a single JSON line on its stdin. <see cref="Device"/> is "auto", "cpu" or "cuda".
/// The trainer builds its own network from <see cref="Graph"/>; it never runs user code. <see cref="Data"/>, when given,
/// replaces the synthetic task of the training experiments with real samples (forward statistics and the NTK keep the
/// Gaussian inputs the theory assumes).
/// </summary>
public sealed record TrainerJob(
    string JobId,
    ModelGraph Graph,
    ImmutableArray<ExperimentRequest> Experiments,
    int Seed = 0,
    string Device = "auto",
    int? Threads = null,
    DataSpec? Data = null,
    int ProtocolVersion = ProtocolJson.Version);

/// <summary>
/// An experiment to run; <see cref="ExperimentKinds"/> lists the kinds and their parameters.
/// <see cref="BatchSize"/> and <see cref="Steps"/> are the experiment's own sizes. <see cref="Predictions"/>, when
/// given, are judged against the measurement and come back as <see cref="ExperimentResult.Verdicts"/>.
/// </summary>
public sealed record ExperimentRequest(
    string Kind,
    int BatchSize = 256,
    int Steps = 0,
    ImmutableDictionary<string, double>? Parameters = null,
    ImmutableArray<PredictedValue> Predictions = default)
{
    /// <summary>A named parameter, or the fallback when absent.</summary>
    public double Parameter(string name, double fallback) =>
        Parameters is not null && Parameters.TryGetValue(name, out var value) ? value : fallback;
}
