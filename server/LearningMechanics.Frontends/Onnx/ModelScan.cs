using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>The parts of a ModelProto the reader uses; initializers are headers with data regions (<see cref="TensorData"/>).</summary>
internal sealed record ScannedModel(
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    ImmutableArray<OperatorSetIdProto> Opsets,
    ScannedGraph? Graph,
    int FunctionCount);

internal sealed record ScannedGraph(
    string Name,
    ImmutableArray<NodeProto> Nodes,
    ImmutableArray<TensorData> Initializers,
    ImmutableArray<SparseTensorProto> SparseInitializers,
    ImmutableArray<ValueInfoProto> Inputs,
    ImmutableArray<ValueInfoProto> Outputs,
    ImmutableArray<ValueInfoProto> ValueInfos);

/// <summary>
/// Streams a ModelProto from disk: small messages (nodes, value infos, opsets) are parsed with the generated classes,
/// initializers are read field by field and their values skipped, so memory stays proportional to the graph, not the
/// weights. Field numbers follow onnx.proto (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.raw_data = 9 ...).
/// </summary>
internal static class ModelScan
{
    public static ScannedModel Read(WireReader reader, CancellationToken cancellationToken)
    {
        long irVersion = 0;
        string producer = "", producerVersion = "";
        var opsets = ImmutableArray.CreateBuilder<OperatorSetIdProto>();
        ScannedGraph? graph = null;
        var functions = 0;
        while (reader.TryReadTag(out var field, out var wire))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (field, wire)
            {
                case (1, WireReader.VarintType):
                    irVersion = reader.ReadInt64();
                    break;
                case (2, WireReader.LengthDelimitedType):
                    producer = reader.ReadString();
                    break;
                case (3, WireReader.LengthDelimitedType):
                    producerVersion = reader.ReadString();
                    break;
                case (7, WireReader.LengthDelimitedType):
                    graph = ReadGraph(reader, reader.ReadLength(), cancellationToken);
                    break;
                case (8, WireReader.LengthDelimitedType):
                    opsets.Add(OperatorSetIdProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                case (25, WireReader.LengthDelimitedType):
                    functions++;
                    reader.Skip(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new ScannedModel(irVersion, producer, producerVersion, opsets.ToImmutable(), graph, functions);
    }

    private static ScannedGraph ReadGraph(WireReader reader, long length, CancellationToken cancellationToken)
    {
        var previous = reader.PushLimit(length);
        var name = "";
        var nodes = ImmutableArray.CreateBuilder<NodeProto>();
        var initializers = ImmutableArray.CreateBuilder<TensorData>();
        var sparse = ImmutableArray.CreateBuilder<SparseTensorProto>();
        var inputs = ImmutableArray.CreateBuilder<ValueInfoProto>();
        var outputs = ImmutableArray.CreateBuilder<ValueInfoProto>();
        var valueInfos = ImmutableArray.CreateBuilder<ValueInfoProto>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wire != WireReader.LengthDelimitedType)
            {
                reader.Skip(wire);
                continue;
            }
            switch (field)
            {
                case 1:
                    nodes.Add(NodeProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                case 2:
                    name = reader.ReadString();
                    break;
                case 5:
                    initializers.Add(ReadTensor(reader, reader.ReadLength()));
                    break;
                case 11:
                    inputs.Add(ValueInfoProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                case 12:
                    outputs.Add(ValueInfoProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                case 13:
                    valueInfos.Add(ValueInfoProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                case 15:
                    sparse.Add(SparseTensorProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength())));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        reader.PopLimit(previous);
        return new ScannedGraph(name, nodes.ToImmutable(), initializers.ToImmutable(), sparse.ToImmutable(),
            inputs.ToImmutable(), outputs.ToImmutable(), valueInfos.ToImmutable());
    }

    /// <summary>Reads a TensorProto's header; value fields become a region (packed or raw) or, when written unpacked, inline values.</summary>
    private static TensorData ReadTensor(WireReader reader, long length)
    {
        var previous = reader.PushLimit(length);
        var name = "";
        var dataType = 0;
        var dims = ImmutableArray.CreateBuilder<long>();
        var encoding = TensorEncoding.None;
        long offset = 0, regionLength = 0;
        var inline = ImmutableArray.CreateBuilder<double>();
        var external = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var location = 0L;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireReader.VarintType):
                    AddDim(dims, reader.ReadInt64());
                    break;
                case (1, WireReader.LengthDelimitedType):
                    var packedLength = reader.ReadLength();
                    var end = reader.Position + packedLength;
                    while (reader.Position < end)
                        AddDim(dims, reader.ReadInt64());
                    break;
                case (2, WireReader.VarintType):
                    dataType = (int)reader.ReadInt64();
                    break;
                case (8, WireReader.LengthDelimitedType):
                    name = reader.ReadString();
                    break;
                case (9, WireReader.LengthDelimitedType):
                    (encoding, regionLength) = (TensorEncoding.Raw, reader.ReadLength());
                    offset = reader.Position;
                    reader.SeekTo(offset + regionLength);
                    break;
                case (4 or 10 or 5 or 7 or 11, WireReader.LengthDelimitedType):
                    encoding = field switch { 4 => TensorEncoding.PackedFloat, 10 => TensorEncoding.PackedDouble, _ => TensorEncoding.PackedVarint };
                    regionLength = reader.ReadLength();
                    offset = reader.Position;
                    reader.SeekTo(offset + regionLength);
                    break;
                case (4, WireReader.Fixed32Type):
                    encoding = TensorEncoding.Inline;
                    AddInline(inline, BitConverter.UInt32BitsToSingle(reader.ReadFixed32()));
                    break;
                case (10, WireReader.Fixed64Type):
                    encoding = TensorEncoding.Inline;
                    AddInline(inline, BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
                    break;
                case (5 or 7, WireReader.VarintType):
                    encoding = TensorEncoding.Inline;
                    AddInline(inline, field == 5 ? (int)reader.ReadVarint() : (long)reader.ReadVarint());
                    break;
                case (11, WireReader.VarintType):
                    encoding = TensorEncoding.Inline;
                    AddInline(inline, reader.ReadVarint());
                    break;
                case (13, WireReader.LengthDelimitedType):
                    var entry = StringStringEntryProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength()));
                    external[entry.Key] = entry.Value;
                    break;
                case (14, WireReader.VarintType):
                    location = reader.ReadInt64();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        reader.PopLimit(previous);
        if (location == (long)TensorProto.Types.DataLocation.External)
            encoding = TensorEncoding.External;
        return new TensorData(name, dataType, dims.ToImmutable(), encoding, offset, regionLength, inline.ToImmutable(), external.ToImmutable());
    }

    /// <summary>Unpacked values are legal protobuf but rare in ONNX files; a cap keeps a hostile file from growing a list without bound.</summary>
    private const int MaxInlineValues = 1 << 20;

    private const int MaxRank = 64;

    private static void AddDim(ImmutableArray<long>.Builder dims, long dim)
    {
        if (dims.Count >= MaxRank)
            throw new OnnxFormatException($"a tensor declares more than {MaxRank} dimensions");
        dims.Add(dim);
    }

    private static void AddInline(ImmutableArray<double>.Builder values, double value)
    {
        if (values.Count >= MaxInlineValues)
            throw new OnnxFormatException($"a tensor stores more than {MaxInlineValues:N0} values unpacked");
        values.Add(value);
    }
}
