using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>
/// NumPy's .npy format, versions 1–3 (numpy.lib.format): the magic "\x93NUMPY", a version, a little-endian header
/// length (2 bytes in v1, 4 in v2/v3), a Python-literal dict {'descr', 'fortran_order', 'shape'}, then the raw array.
/// Reads bool, (u)int8/16/32/64 and float16/32/64 of either byte order, C order only; at most <paramref name="maxSamples"/> rows.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static DataArray Read(string path, long maxSamples)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (!magic.AsSpan().SequenceEqual(s_magic))
            throw new DataFormatException($"{Path.GetFileName(path)} is not a .npy file (no \\x93NUMPY magic)");
        var major = reader.ReadByte();
        reader.ReadByte();
        long headerLength = major switch
        {
            1 => reader.ReadUInt16(),
            2 or 3 => reader.ReadUInt32(),
            _ => throw new DataFormatException($"{Path.GetFileName(path)}: .npy version {major} is not supported (1–3 are)"),
        };
        if (headerLength > 1 << 20)
            throw new DataFormatException($"{Path.GetFileName(path)}: header of {headerLength} bytes is implausible");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(reader.ReadBytes((int)headerLength));
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success)
            throw new DataFormatException($"{Path.GetFileName(path)}: header without 'descr' or 'shape': {header.Trim()}");
        if (fortran.Success && fortran.Groups[1].Value == "True")
            throw new DataFormatException($"{Path.GetFileName(path)}: Fortran-order arrays are not supported; save with np.ascontiguousarray");
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, out var d) && d >= 0 ? d : throw new DataFormatException($"{Path.GetFileName(path)}: bad shape entry '{s}'"))
            .ToArray();
        var (size, integral, decode) = Decoder(descr.Groups[1].Value, path);
        var rows = shape.Length == 0 ? 1 : Math.Min(shape[0], maxSamples);
        var perRow = shape.Skip(1).Aggregate(1L, (a, d) => checked(a * d));
        var count = checked(rows * perRow);
        var available = stream.Length - stream.Position;
        if (count * size > available)
            throw new DataFormatException($"{Path.GetFileName(path)}: the header declares {count * size} bytes for {rows} row(s) but only {available} follow (truncated?)");
        if (count > DataFiles.MaxElements)
            throw new DataFormatException($"{Path.GetFileName(path)}: {count} elements exceed the trainer's limit of {DataFiles.MaxElements}; lower \"maxSamples\"");
        var bytes = reader.ReadBytes(checked((int)(count * size)));
        var values = new double[count];
        for (var valueIdx = 0; valueIdx < values.Length; valueIdx++)
            values[valueIdx] = decode(bytes.AsSpan(valueIdx * size, size));
        if (shape.Length > 0)
            shape[0] = rows;
        return new DataArray(values, shape, integral);
    }

    private delegate double Decode(ReadOnlySpan<byte> bytes);

    private static (int Size, bool Integral, Decode Decode) Decoder(string descr, string path)
    {
        var big = descr[0] == '>';
        var code = descr.TrimStart('<', '>', '|', '=');
        return code switch
        {
            "b1" or "u1" => (1, true, b => b[0]),
            "i1" => (1, true, b => (sbyte)b[0]),
            "i2" => (2, true, b => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)),
            "u2" => (2, true, b => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b)),
            "i4" => (4, true, b => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)),
            "u4" => (4, true, b => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b)),
            "i8" => (8, true, b => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b)),
            "u8" => (8, true, b => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b)),
            "f2" => (2, false, b => (double)(big ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b))),
            "f4" => (4, false, b => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b)),
            "f8" => (8, false, b => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
            _ => throw new DataFormatException($"{Path.GetFileName(path)}: dtype '{descr}' is not supported (bool, integers and floats are)"),
        };
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
