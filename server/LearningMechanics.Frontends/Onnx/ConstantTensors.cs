using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>Values of small in-memory tensors (Constant nodes' attributes) through the same decoder as initializers.</summary>
internal static class ConstantTensors
{
    public static ConstantValue FromConstantNode(NodeProto node, int maxElements)
    {
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "value" when attribute.T is { } tensor:
                    return FromTensor(tensor, maxElements);
                case "value_float":
                    return new([], null, [attribute.F]);
                case "value_int":
                    return new([], null, [attribute.I]);
                case "value_floats":
                    return new([attribute.Floats.Count], null, attribute.Floats.Select(f => (double)f).ToArray());
                case "value_ints":
                    return new([attribute.Ints.Count], null, attribute.Ints.Select(i => (double)i).ToArray());
            }
        }
        return new([], null, null);
    }

    public static ConstantValue FromTensor(TensorProto tensor, int maxElements)
    {
        var dims = tensor.Dims.ToImmutableArray();
        var data = new TensorData(tensor.Name, tensor.DataType, dims, TensorEncoding.None, 0, 0, [], ImmutableDictionary<string, string>.Empty);
        var count = data.ElementCount;
        if (count < 0 || count > maxElements)
            return new(dims, null, null);
        double[]? values = tensor switch
        {
            { FloatData.Count: > 0 } => tensor.FloatData.Select(v => (double)v).ToArray(),
            { DoubleData.Count: > 0 } => tensor.DoubleData.ToArray(),
            { Int64Data.Count: > 0 } => tensor.Int64Data.Select(v => (double)v).ToArray(),
            { Uint64Data.Count: > 0 } => tensor.Uint64Data.Select(v => (double)v).ToArray(),
            { Int32Data.Count: > 0 } => tensor.Int32Data.Select(v => tensor.DataType switch
            {
                OnnxDataTypes.Float16 => (double)BitConverter.UInt16BitsToHalf((ushort)v),
                OnnxDataTypes.BFloat16 => BitConverter.UInt32BitsToSingle((uint)(ushort)v << 16),
                _ => v,
            }).ToArray(),
            { HasRawData: true } => FromRaw(data, tensor.RawData.ToByteArray()),
            _ => null,
        };
        return new(dims, null, values is not null && values.Length == count ? values : null);
    }

    private static double[]? FromRaw(TensorData data, byte[] raw)
    {
        var sink = new ValuesSink(data.ElementCount);
        using var stream = new MemoryStream(raw, writable: false);
        var error = TensorStreamer.Stream(data with { Encoding = TensorEncoding.Raw, Length = raw.Length }, stream, 0, raw.Length, [sink], CancellationToken.None);
        return error is null ? sink.Values : null;
    }
}
