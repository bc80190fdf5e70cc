using System.Collections.Immutable;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Graph;

/// <summary>
/// One op in the graph. <see cref="Inputs"/> are indices of earlier nodes (the graph is stored in topological order).
/// <see cref="WeightInit"/>/<see cref="BiasInit"/> are null for ops without those tensors.
/// </summary>
public sealed record Node(
    int Id,
    string Name,
    Op Op,
    ImmutableArray<int> Inputs,
    SourceSpan? Span = null,
    InitSpec? WeightInit = null,
    InitSpec? BiasInit = null)
{
    /// <summary>sigma_w^2 of this node's weight (fan-in normalised), or null when it has no weight.</summary>
    public double? SigmaW2 => Op.Fans is { } fans ? (WeightInit ?? TorchDefaultInit.Instance).SigmaW2(fans.FanIn, fans.FanOut) : null;

    /// <summary>sigma_b^2 = Var(b) + E[b]^2 of this node's bias, or null when it has none.</summary>
    public double? SigmaB2 => Op.Fans is { } fans && HasBias ? (BiasInit ?? TorchDefaultInit.Instance).SigmaW2(fans.FanIn, fans.FanOut) / fans.FanIn : null;

    private bool HasBias => Op switch
    {
        Linear l => l.HasBias,
        Conv c => c.HasBias,
        _ => false,
    };
}
