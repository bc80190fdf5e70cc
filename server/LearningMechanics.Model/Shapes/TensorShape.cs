using System.Collections.Immutable;

namespace LearningMechanics.Model.Shapes;

/// <summary>
/// A tensor shape without the batch dimension. A dimension is null when it is unknown (symbolic or not inferable).
/// </summary>
public sealed record TensorShape(ImmutableArray<long?> Dims)
{
    public static TensorShape Of(params long[] dims) => new(dims.Select(d => (long?)d).ToImmutableArray());

    public static TensorShape UnknownRank { get; } = new(ImmutableArray<long?>.Empty) { IsRankKnown = false };

    public bool IsRankKnown { get; init; } = true;

    public int Rank => Dims.Length;

    public bool IsFullyKnown => IsRankKnown && Dims.All(d => d is not null);

    /// <summary>The size of the last dimension, the feature dimension of a Linear layer.</summary>
    public long? Last => IsRankKnown && Dims.Length > 0 ? Dims[^1] : null;

    /// <summary>Product of all dimensions, or null when any is unknown.</summary>
    public long? Elements => IsFullyKnown ? Dims.Aggregate(1L, (acc, d) => acc * d!.Value) : null;

    public bool Equals(TensorShape? other) =>
        other is not null && IsRankKnown == other.IsRankKnown && Dims.SequenceEqual(other.Dims);

    public override int GetHashCode() => Dims.Aggregate(IsRankKnown ? 17 : 3, (h, d) => HashCode.Combine(h, d));

    public override string ToString() =>
        IsRankKnown ? "[" + string.Join(", ", Dims.Select(d => d?.ToString() ?? "?")) + "]" : "[?]";
}
