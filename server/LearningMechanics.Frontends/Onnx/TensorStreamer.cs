using System.Buffers.Binary;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Streams a tensor's values from its region in chunks of <see cref="ChunkElements"/>, decoding raw little-endian data,
/// packed float/double fields and packed varints (int32_data also carries float16/bfloat16 bit patterns, per onnx.proto).
/// Memory is one chunk, whatever the tensor's size. The stored size must match the declared element count.
/// </summary>
internal static class TensorStreamer
{
    public const int ChunkElements = 1 << 16;

    /// <summary>Streams every value to the sinks; returns an error message instead when the data cannot be read.</summary>
    public static string? Stream(TensorData tensor, Stream source, long offset, long length, IReadOnlyList<IValueSink> sinks, CancellationToken cancellationToken)
    {
        var count = tensor.ElementCount;
        var dataType = tensor.DataType;
        switch (tensor.Encoding)
        {
            case TensorEncoding.Inline:
                if (tensor.InlineValues.Length != count)
                    return $"stores {tensor.InlineValues.Length:N0} values for {count:N0} declared elements";
                var decoded = tensor.InlineValues.Select(v => FromInt32Field(dataType, v)).ToArray();
                foreach (var sink in sinks)
                    sink.Accept(decoded, 0);
                return null;
            case TensorEncoding.None:
                return count == 0 ? null : $"declares {count:N0} elements but stores no values";
            case TensorEncoding.PackedVarint:
                return StreamVarints(tensor, source, offset, length, sinks, cancellationToken);
        }
        var elementSize = tensor.Encoding switch
        {
            TensorEncoding.PackedFloat => 4,
            TensorEncoding.PackedDouble => 8,
            _ => OnnxDataTypes.RawSize(dataType),
        };
        var rawType = tensor.Encoding switch
        {
            TensorEncoding.PackedFloat => OnnxDataTypes.Float,
            TensorEncoding.PackedDouble => OnnxDataTypes.Double,
            _ => dataType,
        };
        if (elementSize == 0)
            return $"has data type {OnnxDataTypes.Name(dataType)}, which this reader does not decode";
        if (length / elementSize != count || length % elementSize != 0)
            return $"declares {count:N0} {OnnxDataTypes.Name(dataType)} elements ({count * (double)elementSize:N0} bytes) but stores {length:N0} bytes";
        source.Seek(offset, SeekOrigin.Begin);
        var chunk = (int)Math.Min(ChunkElements, Math.Max(count, 1));
        var bytes = new byte[chunk * elementSize];
        var values = new double[chunk];
        long index = 0;
        while (index < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)Math.Min(chunk, count - index);
            source.ReadExactly(bytes, 0, n * elementSize);
            Decode(rawType, bytes.AsSpan(0, n * elementSize), values.AsSpan(0, n));
            foreach (var sink in sinks)
                sink.Accept(values.AsSpan(0, n), index);
            index += n;
        }
        return null;
    }

    private static string? StreamVarints(TensorData tensor, Stream source, long offset, long length, IReadOnlyList<IValueSink> sinks, CancellationToken cancellationToken)
    {
        var count = tensor.ElementCount;
        // A varint is at least one byte, so a region shorter than the count cannot hold it.
        if (length < count)
            return $"declares {count:N0} elements but stores only {length:N0} bytes of varints";
        var reader = new WireReader(source, offset + length);
        reader.SeekTo(offset);
        var values = new double[ChunkElements];
        long index = 0;
        var filled = 0;
        while (!reader.AtLimit)
        {
            if (index + filled >= count)
                return $"stores more values than its {count:N0} declared elements";
            values[filled++] = FromInt32Field(tensor.DataType, tensor.DataType == OnnxDataTypes.UInt64 ? reader.ReadVarint() : (double)(long)reader.ReadVarint());
            if (filled == ChunkElements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var sink in sinks)
                    sink.Accept(values, index);
                index += filled;
                filled = 0;
            }
        }
        if (filled > 0)
        {
            foreach (var sink in sinks)
                sink.Accept(values.AsSpan(0, filled), index);
            index += filled;
        }
        return index == count ? null : $"stores {index:N0} values for {count:N0} declared elements";
    }

    /// <summary>int32_data holds float16 and bfloat16 as their 16 bit patterns (onnx.proto, TensorProto.int32_data).</summary>
    private static double FromInt32Field(int dataType, double value) => dataType switch
    {
        OnnxDataTypes.Float16 => (double)BitConverter.UInt16BitsToHalf((ushort)(long)value),
        OnnxDataTypes.BFloat16 => BitConverter.UInt32BitsToSingle((uint)(ushort)(long)value << 16),
        _ => value,
    };

    private static void Decode(int dataType, ReadOnlySpan<byte> bytes, Span<double> values)
    {
        switch (dataType)
        {
            case OnnxDataTypes.Float:
                var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
                if (BitConverter.IsLittleEndian)
                {
                    for (var i = 0; i < values.Length; i++)
                        values[i] = floats[i];
                    return;
                }
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                return;
            case OnnxDataTypes.Double:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                return;
            case OnnxDataTypes.Float16:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (double)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                return;
            case OnnxDataTypes.BFloat16:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                return;
            case OnnxDataTypes.Int64:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                return;
            case OnnxDataTypes.UInt64:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
                return;
            case OnnxDataTypes.Int32:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                return;
            case OnnxDataTypes.UInt32:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                return;
            case OnnxDataTypes.Int16:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                return;
            case OnnxDataTypes.UInt16:
                for (var i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                return;
            case OnnxDataTypes.Int8:
                for (var i = 0; i < values.Length; i++)
                    values[i] = (sbyte)bytes[i];
                return;
            default:
                for (var i = 0; i < values.Length; i++)
                    values[i] = bytes[i];
                return;
        }
    }
}
