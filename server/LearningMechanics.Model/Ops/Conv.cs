using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>
/// <c>nn.Conv1d/2d/3d</c> and <c>ConvTranspose*</c>. Per-dimension arrays have <see cref="SpatialDims"/> entries.
/// Weight shape [out, in/groups, k...] (transposed: [in, out/groups, k...]).
/// </summary>
public sealed record Conv(
    int SpatialDims,
    long InChannels,
    long OutChannels,
    ImmutableArray<long> KernelSize,
    ImmutableArray<long> Stride,
    ImmutableArray<long> Padding,
    ImmutableArray<long> Dilation,
    long Groups = 1,
    bool HasBias = true,
    bool Transposed = false,
    ImmutableArray<long> OutputPadding = default) : Op
{
    /// <summary>A convolution with scalar kernel/stride/padding/dilation repeated over every spatial dimension.</summary>
    public static Conv Uniform(int spatialDims, long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true) =>
        new(spatialDims, inChannels, outChannels, Repeat(kernel, spatialDims), Repeat(stride, spatialDims),
            Repeat(padding, spatialDims), Repeat(dilation, spatialDims), groups, hasBias);

    public static ImmutableArray<long> Repeat(long value, int count) => Enumerable.Repeat(value, count).ToImmutableArray();

    public override string Kind => (Transposed ? "ConvTranspose" : "Conv") + SpatialDims + "d";

    private long KernelElements => KernelSize.Aggregate(1L, (a, k) => a * k);

    public override long ParameterCount =>
        (Transposed ? InChannels * (OutChannels / Groups) : OutChannels * (InChannels / Groups)) * KernelElements + (HasBias ? OutChannels : 0);

    // PyTorch's fan computation: fan_in = size(1) * receptive field, fan_out = size(0) * receptive field.
    public override WeightFans? Fans => Transposed
        ? new(OutChannels / Groups * KernelElements, InChannels * KernelElements)
        : new(InChannels / Groups * KernelElements, OutChannels * KernelElements);

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
            return ShapeResult.Fail($"{Kind}: channels ({InChannels} in, {OutChannels} out) must be divisible by groups = {Groups}");
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Ok(new TensorShape(ImmutableArray.Create<long?>(OutChannels).AddRange(Enumerable.Repeat<long?>(null, SpatialDims))));
        var input = inputs[0];
        if (input.Rank != SpatialDims + 1)
            return ShapeResult.Fail($"{Kind} expects [channels, {SpatialDims} spatial] input (batch excluded), got {input}");
        if (input.Dims[0] is long c && c != InChannels)
            return ShapeResult.Fail($"{Kind} expects {InChannels} input channels but receives {c} (input shape {input})");
        var dims = ImmutableArray.CreateBuilder<long?>(SpatialDims + 1);
        dims.Add(OutChannels);
        for (var i = 0; i < SpatialDims; i++)
        {
            if (input.Dims[i + 1] is not long size)
            {
                dims.Add(null);
                continue;
            }
            var effectiveKernel = Dilation[i] * (KernelSize[i] - 1) + 1;
            long outSize = Transposed
                ? (size - 1) * Stride[i] - 2 * Padding[i] + effectiveKernel + (OutputPadding.IsDefaultOrEmpty ? 0 : OutputPadding[i])
                : (size + 2 * Padding[i] - effectiveKernel) / Stride[i] + 1;
            if (outSize <= 0)
                return ShapeResult.Fail($"{Kind}: spatial size {size} is too small for kernel {KernelSize[i]} (dilation {Dilation[i]}, padding {Padding[i]})");
            dims.Add(outSize);
        }
        return ShapeResult.Ok(new TensorShape(dims.MoveToImmutable()));
    }

    public override string Describe() =>
        $"{Kind} {InChannels} → {OutChannels}, kernel {string.Join("×", KernelSize)}" +
        (Stride.Any(s => s != 1) ? $", stride {string.Join("×", Stride)}" : "") +
        (Padding.Any(p => p != 0) ? $", padding {string.Join("×", Padding)}" : "") +
        (Groups != 1 ? $", groups {Groups}" : "");
}
