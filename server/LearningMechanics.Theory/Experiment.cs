namespace LearningMechanics.Theory;

/// <summary>
/// The CPU check that would test a prediction (THEORY.md "CPU check" paragraphs): a stable kebab-case
/// <see cref="Name"/> the trainer recognises ("forward-stats", "gradient-stats", "kernel-correlation",
/// "trainability-scan", "lr-scan"), the <see cref="Tolerance"/>, and the protocol in one sentence.
/// </summary>
public sealed record Experiment(string Name, Tolerance Tolerance, string Protocol);
