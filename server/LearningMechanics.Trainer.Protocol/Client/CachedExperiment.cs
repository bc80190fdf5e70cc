namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>One cached experiment result with the device and thread count it was measured on.</summary>
public sealed record CachedExperiment(ExperimentResult Result, string Device, int Threads);
