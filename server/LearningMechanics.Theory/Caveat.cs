using System.Collections.Immutable;

namespace LearningMechanics.Theory;

/// <summary>
/// A statement about the model that is not a number: where the theory stops, or a warning it implies.
/// <see cref="Code"/> is stable kebab-case ("no-theory", "signal-vanishes", "signal-explodes",
/// "batchnorm-gradient-explosion", "finite-width", "depth-beyond-trainable", "dropout-breaks-criticality").
/// </summary>
public sealed record Caveat(string Code, string Message, ImmutableArray<int> NodeIds, Evidence Evidence);
