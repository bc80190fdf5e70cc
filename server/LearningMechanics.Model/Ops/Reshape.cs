using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>x.view(...)</c> / <c>x.reshape(...)</c> keeping the batch dimension: <see cref="Target"/> is the per-sample shape,
/// where one entry may be -1 (inferred from the element count, as TorchSharp does).
/// </summary>
public sealed record Reshape(ImmutableArray<long> Target) : Op
{
    public override string Kind => "Reshape";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        var known = Target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        var inferred = Target.Count(d => d == -1);
        if (inferred > 1 || Target.Any(d => d < -1 || d == 0))
            return ShapeResult.Fail($"view/reshape to [{string.Join(", ", Target)}] is not a valid shape");
        var elements = inputs.Length > 0 ? inputs[0].Elements : null;
        if (elements is not long total)
            return ShapeResult.Ok(new TensorShape(Target.Select(d => d == -1 ? null : (long?)d).ToImmutableArray()));
        if (inferred == 0 ? total != known : total % known != 0)
            return ShapeResult.Fail($"cannot view {inputs[0]} ({total} elements per sample) as [{string.Join(", ", Target)}]");
        return ShapeResult.Ok(new TensorShape(Target.Select(d => d == -1 ? total / known : (long?)d).ToImmutableArray()));
    }

    public override string Describe() => $"Reshape [{string.Join(", ", Target)}]";
}
