using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

public enum PoolKind
{
    Max,
    Avg,
    AdaptiveMax,
    AdaptiveAvg,
}

/// <summary>Pooling over <see cref="SpatialDims"/> dimensions. Adaptive pools use <see cref="OutputSize"/> instead of kernel/stride.</summary>
public sealed record Pool(
    PoolKind Function,
    int SpatialDims,
    ImmutableArray<long> KernelSize,
    ImmutableArray<long> Stride,
    ImmutableArray<long> Padding,
    ImmutableArray<long> OutputSize = default) : Op
{
    public override string Kind => $"{Function}Pool{SpatialDims}d";

    public bool IsAdaptive => Function is PoolKind.AdaptiveAvg or PoolKind.AdaptiveMax;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Unknown;
        var input = inputs[0];
        if (input.Rank != SpatialDims + 1)
            return ShapeResult.Fail($"{Kind} expects [channels, {SpatialDims} spatial] input, got {input}");
        var dims = ImmutableArray.CreateBuilder<long?>(SpatialDims + 1);
        dims.Add(input.Dims[0]);
        for (var i = 0; i < SpatialDims; i++)
        {
            if (IsAdaptive)
            {
                dims.Add(OutputSize[i]);
                continue;
            }
            if (input.Dims[i + 1] is not long size)
            {
                dims.Add(null);
                continue;
            }
            var outSize = (size + 2 * Padding[i] - KernelSize[i]) / Stride[i] + 1;
            if (outSize <= 0)
                return ShapeResult.Fail($"{Kind}: spatial size {size} is too small for kernel {KernelSize[i]}");
            dims.Add(outSize);
        }
        return ShapeResult.Ok(new TensorShape(dims.MoveToImmutable()));
    }

    public override string Describe() => IsAdaptive
        ? $"{Kind} → {string.Join("×", OutputSize)}"
        : $"{Kind} kernel {string.Join("×", KernelSize)}, stride {string.Join("×", Stride)}";
}
