using System.Buffers.Binary;

namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>
/// The IDX format of the MNIST files (LeCun et al.): two zero bytes, a type code (0x08 ubyte, 0x09 sbyte, 0x0B int16,
/// 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, the big-endian int32 sizes, then big-endian data.
/// At most <paramref name="maxSamples"/> rows are read.
/// </summary>
public static class IdxFile
{
    public static DataArray Read(string path, long maxSamples)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        if (stream.Read(head) != 4 || head[0] != 0 || head[1] != 0)
            throw new DataFormatException($"{Path.GetFileName(path)} is not an IDX file (it must start with two zero bytes)");
        var (size, integral) = head[2] switch
        {
            0x08 or 0x09 => (1, true),
            0x0B => (2, true),
            0x0C => (4, true),
            0x0D => (4, false),
            0x0E => (8, false),
            _ => throw new DataFormatException($"{Path.GetFileName(path)}: IDX type code 0x{head[2]:X2} is unknown"),
        };
        var rank = head[3];
        if (rank is 0 or > 8)
            throw new DataFormatException($"{Path.GetFileName(path)}: IDX rank {rank} is not plausible");
        var shape = new long[rank];
        Span<byte> dim = stackalloc byte[4];
        for (var axis = 0; axis < rank; axis++)
        {
            if (stream.Read(dim) != 4)
                throw new DataFormatException($"{Path.GetFileName(path)}: truncated IDX header");
            shape[axis] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (shape[axis] < 0)
                throw new DataFormatException($"{Path.GetFileName(path)}: negative IDX dimension");
        }
        shape[0] = Math.Min(shape[0], maxSamples);
        var count = shape.Aggregate(1L, (a, d) => checked(a * d));
        if (count > DataFiles.MaxElements)
            throw new DataFormatException($"{Path.GetFileName(path)}: {count} elements exceed the trainer's limit of {DataFiles.MaxElements}; lower \"maxSamples\"");
        if (count * size > stream.Length - stream.Position)
            throw new DataFormatException($"{Path.GetFileName(path)}: the header declares {count * size} bytes but only {stream.Length - stream.Position} follow (truncated?)");
        var bytes = new byte[count * size];
        stream.ReadExactly(bytes);
        var values = new double[count];
        var code = head[2];
        for (var valueIdx = 0; valueIdx < values.Length; valueIdx++)
        {
            var b = bytes.AsSpan(valueIdx * size, size);
            values[valueIdx] = code switch
            {
                0x08 => b[0],
                0x09 => (sbyte)b[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(b),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(b),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(b),
                _ => BinaryPrimitives.ReadDoubleBigEndian(b),
            };
        }
        return new DataArray(values, shape, integral);
    }
}
