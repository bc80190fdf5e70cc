using System.Buffers.Binary;
using System.Text;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Trainer.Tests;

/// <summary>The .npy, IDX and CSV readers, on files written here byte by byte from their format specifications.</summary>
public sealed class DataFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lmech-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Npy_Float32LittleEndian_ReadsValuesAndShape()
    {
        var path = DataWriters.Npy(Path.Combine(_folder, "x.npy"), "<f4", [3, 2], [1.5, -2, 3, 4.25, 5, 6]);
        var array = NpyFile.Read(path, maxSamples: 100);
        Assert.Equal([3L, 2L], array.Shape);
        Assert.Equal([1.5, -2, 3, 4.25, 5, 6], array.Values);
        Assert.False(array.Integral);
    }

    [Fact]
    public void Npy_BigEndianFloat64AndInt64Labels_AndSampleLimit()
    {
        var x = NpyFile.Read(DataWriters.Npy(Path.Combine(_folder, "x.npy"), ">f8", [4, 1], [0.1, 0.2, 0.3, 0.4]), maxSamples: 2);
        Assert.Equal([2L, 1L], x.Shape);
        Assert.Equal([0.1, 0.2], x.Values);
        var y = NpyFile.Read(DataWriters.Npy(Path.Combine(_folder, "y.npy"), "<i8", [3], [2, 0, 1]), maxSamples: 10);
        Assert.True(y.Integral);
        Assert.Equal([2.0, 0, 1], y.Values);
    }

    [Fact]
    public void Npy_TruncatedOrForeign_IsAClearError()
    {
        var path = DataWriters.Npy(Path.Combine(_folder, "x.npy"), "<f4", [100, 10], new double[1000]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 40)]);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyFile.Read(path, 1000)).Message);
        File.WriteAllText(path, "a,b\n1,2\n");
        Assert.Contains("not a .npy file", Assert.Throws<DataFormatException>(() => NpyFile.Read(path, 1000)).Message);
        Assert.Contains("not supported", Assert.Throws<DataFormatException>(() =>
            NpyFile.Read(DataWriters.Npy(Path.Combine(_folder, "c.npy"), "<c16", [1], [0]), 10)).Message);
    }

    [Fact]
    public void Idx_UbyteImagesAndLabels_AsMnistStoresThem()
    {
        var images = DataWriters.Idx(Path.Combine(_folder, "images-idx3-ubyte"), 0x08, [3, 2, 2], [0, 255, 7, 8, 1, 2, 3, 4, 9, 9, 9, 9]);
        var array = IdxFile.Read(images, maxSamples: 60000);
        Assert.Equal([3L, 2L, 2L], array.Shape);
        Assert.Equal(4, array.PerSample);
        Assert.Equal(255, array.Values[1]);
        Assert.True(array.Integral);
        File.WriteAllBytes(images, [0, 0, 0x08, 1, 0, 0, 0, 9, 1, 2]);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => IdxFile.Read(images, 100)).Message);
        File.WriteAllBytes(images, [1, 2, 3, 4]);
        Assert.Contains("not an IDX file", Assert.Throws<DataFormatException>(() => IdxFile.Read(images, 100)).Message);
    }

    [Fact]
    public void Csv_HeaderNamedTargetColumn_SplitsInputsAndTargets()
    {
        var path = Path.Combine(_folder, "table.csv");
        File.WriteAllText(path, "a,label,b\n1.5,2,3e-1\n-4,0,5\n\n6,1,7\n");
        var (inputs, targets) = CsvFile.Read(path, "label", maxSamples: 100);
        Assert.Equal([3L, 2L], inputs.Shape);
        Assert.Equal([1.5, 0.3, -4, 5, 6, 7], inputs.Values);
        Assert.Equal([2.0, 0, 1], targets.Values);
        Assert.True(targets.Integral);
        var (_, last) = CsvFile.Read(path, null, maxSamples: 100);
        Assert.Equal([0.3, 5, 7], last.Values);
        File.WriteAllText(path, "1;2\n3;x\n");
        Assert.Contains("'x' in column 1", Assert.Throws<DataFormatException>(() => CsvFile.Read(path, null, 100)).Message);
        Assert.Contains("target column 'y'", Assert.Throws<DataFormatException>(() => CsvFile.Read(path, "y", 100)).Message);
    }
}

/// <summary>Writes data files from their format specifications (numpy.lib.format, the MNIST IDX description).</summary>
internal static class DataWriters
{
    public static string Npy(string path, string descr, long[] shape, double[] values)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, .. "NUMPY"u8, 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
        var big = descr[0] == '>';
        foreach (var value in values)
        {
            var bytes = descr[1..] switch
            {
                "f4" => BitConverter.GetBytes((float)value),
                "f8" => BitConverter.GetBytes(value),
                "i8" => BitConverter.GetBytes((long)value),
                "i4" => BitConverter.GetBytes((int)value),
                _ => new byte[16],
            };
            if (big)
                Array.Reverse(bytes);
            stream.Write(bytes);
        }
        return path;
    }

    public static string Idx(string path, byte typeCode, int[] shape, double[] values)
    {
        using var stream = File.Create(path);
        stream.Write([0, 0, typeCode, (byte)shape.Length]);
        Span<byte> word = stackalloc byte[4];
        foreach (var dim in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, dim);
            stream.Write(word);
        }
        foreach (var value in values)
        {
            if (typeCode == 0x08)
            {
                stream.WriteByte((byte)value);
            }
            else
            {
                BinaryPrimitives.WriteSingleBigEndian(word, (float)value);
                stream.Write(word);
            }
        }
        return path;
    }
}
