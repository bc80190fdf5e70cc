using System.Diagnostics;
using Google.Protobuf;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Frontends.Onnx.Proto;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>Truncated, corrupted and absurdly declared files: the reader returns findings, never throws, and stays bounded in time.</summary>
public sealed class HostileFileTests
{
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(5);

    private static OnnxReadResult ReadBounded(string path)
    {
        var clock = Stopwatch.StartNew();
        var result = OnnxReader.Read(path);
        Assert.True(clock.Elapsed < PerFileLimit, $"{Path.GetFileName(path)} took {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    [Fact]
    public void Read_TruncatedAtManyOffsets_ReportsUnreadableOrPartialWithoutThrowing()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(TestModels.SmallCnn().Save(folder.File("cnn.onnx")));
        var truncated = folder.File("truncated.onnx");
        var unreadable = 0;
        foreach (var length in Enumerable.Range(0, 200).Select(i => (int)((long)bytes.Length * i / 200)).Distinct())
        {
            File.WriteAllBytes(truncated, bytes[..length]);
            var result = ReadBounded(truncated);
            if (result.Findings.Any(f => f.Code == "onnx-unreadable"))
                unreadable++;
        }
        Assert.True(unreadable > 150, $"only {unreadable} of 200 truncations were reported unreadable");
    }

    [Fact]
    public void Read_RandomBitFlips_NeverThrows()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(TestModels.ResidualBlock().Save(folder.File("residual.onnx")));
        var random = new Random(11);
        var corrupt = folder.File("corrupt.onnx");
        for (var trial = 0; trial < 300; trial++)
        {
            var copy = (byte[])bytes.Clone();
            var flips = 1 + random.Next(8);
            for (var i = 0; i < flips; i++)
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(corrupt, copy);
            var result = ReadBounded(corrupt);
            Assert.True(result.Models.Length + result.Findings.Length > 0);
        }
    }

    [Fact]
    public void Read_TensorClaimingATrillionElements_IsRefusedWithoutAllocating()
    {
        using var folder = new TempFolder();
        var factory = TestModels.Mlp();
        var weight = factory.Graph.Initializer.First(t => t.Name == "fc1.weight");
        weight.Dims.Clear();
        weight.Dims.AddRange([1_000_000, 1_000_000]);
        var before = GC.GetTotalAllocatedBytes();
        var result = ReadBounded(factory.Save(folder.File("huge.onnx")));

        Assert.True(GC.GetTotalAllocatedBytes() - before < 200L << 20);
        var finding = Assert.Single(result.Findings, f => f.Code == "onnx-bad-tensor");
        Assert.Contains("1,000,000,000,000", finding.Message);
    }

    [Fact]
    public void Read_InflatedLengthPrefix_ReportsTheDeclaredSize()
    {
        using var folder = new TempFolder();
        // ModelProto.graph (field 7, length-delimited) declaring 2^40 bytes in a 20-byte file.
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(7, WireFormat.WireType.LengthDelimited);
        coded.WriteUInt64(1UL << 40);
        coded.WriteBytes(ByteString.CopyFromUtf8("not a graph"));
        coded.Flush();
        var path = folder.File("inflated.onnx");
        File.WriteAllBytes(path, output.ToArray());

        var finding = Assert.Single(ReadBounded(path).Findings);
        Assert.Equal("onnx-unreadable", finding.Code);
        Assert.Contains("1,099,511,627,776 bytes", finding.Message);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../outside.bin")]
    public void Read_ExternalDataOutsideTheModelFolder_IsNotRead(string location)
    {
        using var folder = new TempFolder();
        var modelFolder = Path.Combine(folder.Path, "model");
        Directory.CreateDirectory(modelFolder);
        File.WriteAllBytes(folder.File("outside.bin"), new byte[64 * 784 * 4]);
        var factory = TestModels.Mlp();
        factory.MoveToExternal(modelFolder, "weights.bin");
        foreach (var entry in factory.Graph.Initializer.SelectMany(t => t.ExternalData).Where(e => e.Key == "location"))
            entry.Value = location;
        var result = ReadBounded(factory.Save(Path.Combine(modelFolder, "m.onnx")));

        Assert.NotEmpty(result.Findings.Where(f => f.Code == "onnx-bad-tensor"));
        Assert.All(result.Findings.Where(f => f.Code == "onnx-bad-tensor"), f => Assert.Matches("absolute|leaves the model's folder", f.Message));
        Assert.All(result.Report!.Initializers.Where(i => i.Storage.StartsWith("external")), i => Assert.Null(i.Mean));
    }

    [Fact]
    public void Read_ExternalDataThroughALinkOutOfTheFolder_IsNotRead()
    {
        using var folder = new TempFolder();
        var modelFolder = Path.Combine(folder.Path, "model");
        Directory.CreateDirectory(modelFolder);
        var factory = TestModels.Mlp();
        factory.MoveToExternal(folder.Path, "weights.bin");
        File.CreateSymbolicLink(Path.Combine(modelFolder, "weights.bin"), folder.File("weights.bin"));
        var result = ReadBounded(factory.Save(Path.Combine(modelFolder, "m.onnx")));

        Assert.Contains(result.Findings, f => f.Code == "onnx-bad-tensor" && f.Message.Contains("link"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an onnx file at all, just text\n")]
    public void Read_NotOnnx_IsUnreadable(string content)
    {
        using var folder = new TempFolder();
        var path = folder.File("text.onnx");
        File.WriteAllText(path, content);

        Assert.Equal("onnx-unreadable", Assert.Single(ReadBounded(path).Findings).Code);
    }

    [Fact]
    public void Read_MissingFile_IsUnreadable() =>
        Assert.Equal("onnx-unreadable", Assert.Single(OnnxReader.Read("/nonexistent/model.onnx").Findings).Code);

    [Fact]
    public void Read_DeeplyNestedSubgraphs_IsBounded()
    {
        using var folder = new TempFolder();
        var graph = new GraphProto { Name = "leaf" };
        for (var depth = 0; depth < 200; depth++)
        {
            var node = new NodeProto { OpType = "If", Name = $"if{depth}" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
            graph = new GraphProto { Name = $"g{depth}" };
            graph.Node.Add(node);
        }
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        var path = folder.File("nested.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        Assert.Equal("onnx-unreadable", Assert.Single(ReadBounded(path).Findings).Code);
    }
}
