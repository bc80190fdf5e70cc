using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Shape arithmetic folded at mapping time: the Shape → Gather → Unsqueeze → Concat chains exporters write for
/// <c>x.view(x.size(0), -1)</c> become a <see cref="ShapeValue"/>, so that the Reshape reading it gets a known target.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    /// <summary>The node's single output as a shape vector, when every input it needs is a shape or a small integer constant.</summary>
    private ShapeValue? FoldShape(NodeProto node)
    {
        if (!IsStandard(node) || node.Output.Count != 1 || node.Input.Count == 0)
            return null;
        switch (node.OpType)
        {
            case "Shape":
                ImmutableArray<long?> dims;
                if (_values.GetValueOrDefault(node.Input[0]) is RuntimeValue runtime && ShapeOf(runtime.NodeId) is { IsRankKnown: true } shape)
                    dims = [ShapeValue.Batch, .. shape.Dims];
                else if (Constant(node.Input[0]) is { } constant)
                    dims = [.. constant.Dims.Select(d => (long?)d)];
                else
                    return null;
                // Opset 15: start and end attributes slice the shape vector.
                var start = Clamp(Int(node, "start", 0), dims.Length);
                var end = Clamp(Int(node, "end", dims.Length), dims.Length);
                return new ShapeValue(end > start ? dims[start..end] : []);
            case "Gather" when Int(node, "axis", 0) == 0 && node.Input.Count == 2 && Vector(node.Input[0]) is { } source && Vector(node.Input[1]) is { } indices:
                var picked = ImmutableArray.CreateBuilder<long?>();
                foreach (var index in indices)
                {
                    if (index is not { } i || i == ShapeValue.Batch || i < -source.Length || i >= source.Length)
                        return null;
                    picked.Add(source[(int)(i < 0 ? i + source.Length : i)]);
                }
                return new ShapeValue(picked.ToImmutable());
            case "Unsqueeze" or "Squeeze" or "Cast" or "Identity" when _values.GetValueOrDefault(node.Input[0]) is ShapeValue same:
                return same;
            case "Concat" when node.Input.All(t => Vector(t) is not null) && node.Input.Any(t => _values.GetValueOrDefault(t) is ShapeValue):
                return new ShapeValue([.. node.Input.SelectMany(t => Vector(t)!.Value)]);
            case "Slice" when node.Input.Count >= 3 && _values.GetValueOrDefault(node.Input[0]) is ShapeValue sliced
                && Vector(node.Input[1]) is [{ } from] && Vector(node.Input[2]) is [{ } to]
                && (node.Input.Count < 4 || Vector(node.Input[3]) is [0]) && (node.Input.Count < 5 || Vector(node.Input[4]) is [1]):
                var n = sliced.Elements.Length;
                var first = Clamp(from, n);
                var last = Clamp(to, n);
                return new ShapeValue(last > first ? sliced.Elements[first..last] : []);
        }
        return null;
    }

    /// <summary>A shape value's elements, or a small integer constant's values.</summary>
    private ImmutableArray<long?>? Vector(string tensor) => _values.GetValueOrDefault(tensor) switch
    {
        ShapeValue shape => shape.Elements,
        ConstantValue { Values: { } values } when values.All(v => v == Math.Floor(v) && Math.Abs(v) < 1e15) => [.. values.Select(v => (long?)(long)v)],
        _ => null,
    };

    private static int Clamp(long index, int length) => (int)Math.Clamp(index < 0 ? index + length : index, 0, length);
}
