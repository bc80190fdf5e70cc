using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// Elementwise sum of its inputs: a residual connection when one input is the block's own input.
/// <see cref="BranchScale"/> is alpha in h + alpha * branch (THEORY.md §2), applied to every input after the first.
/// </summary>
public sealed record Add(double BranchScale = 1.0) : Op
{
    public override string Kind => "Add";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0)
            return ShapeResult.Unknown;
        var known = inputs.Where(s => s.IsFullyKnown).ToList();
        if (known.Count >= 2 && known.Any(s => !s.Equals(known[0]) && s.Elements != 1))
            return ShapeResult.Fail($"Add of tensors with different shapes: {string.Join(" + ", inputs)}");
        return ShapeResult.Ok(known.Count > 0 ? known[0] : inputs[0]);
    }
}
