using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>What the TorchSharp reader found in one document: the models it could build and its findings.</summary>
public sealed record ReadResult(ImmutableArray<ModelGraph> Models, ImmutableArray<Finding> Findings)
{
    public static ReadResult Empty { get; } = new([], []);
}
