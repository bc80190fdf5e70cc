using System.Collections.Immutable;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>How a tensor's values are stored (ONNX TensorProto: raw_data, a typed repeated field, or external data).</summary>
internal enum TensorEncoding
{
    None,
    Raw,
    PackedFloat,
    PackedDouble,
    PackedVarint,
    Inline,
    External,
}

/// <summary>
/// A tensor's header and where its values lie: a byte region of the model file (or of an external file), never the
/// values themselves, so an initializer of any size costs a few bytes until its statistics are streamed.
/// </summary>
internal sealed record TensorData(
    string Name,
    int DataType,
    ImmutableArray<long> Dims,
    TensorEncoding Encoding,
    long Offset,
    long Length,
    ImmutableArray<double> InlineValues,
    ImmutableDictionary<string, string> ExternalData)
{
    /// <summary>Product of the dimensions, or -1 when it overflows a long.</summary>
    public long ElementCount
    {
        get
        {
            long result = 1;
            foreach (var d in Dims)
            {
                if (d < 0)
                    return -1;
                if (d != 0 && result > long.MaxValue / d)
                    return -1;
                result *= d;
            }
            return result;
        }
    }

    public bool IsFloatingPoint => DataType is OnnxDataTypes.Float or OnnxDataTypes.Double or OnnxDataTypes.Float16 or OnnxDataTypes.BFloat16;
}
