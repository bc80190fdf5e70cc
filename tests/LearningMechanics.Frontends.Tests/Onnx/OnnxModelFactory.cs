using Google.Protobuf;
using LearningMechanics.Frontends.Onnx.Proto;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>
/// Writes ONNX models from C# with the reader's own proto classes: the tests generate every model they read, and
/// ONNX Runtime reads the same files as a second reader. Weights are seeded Gaussians, N(0, gain / fan_in).
/// </summary>
internal sealed class OnnxModelFactory
{
    public const long Opset = 17;

    private readonly Random _random;
    private readonly ModelProto _model;
    private int _counter;

    public OnnxModelFactory(string name, int seed = 1)
    {
        _random = new Random(seed);
        _model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "LearningMechanics.Tests",
            ProducerVersion = "1",
            Graph = new GraphProto { Name = name },
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
    }

    public GraphProto Graph => _model.Graph;

    public ModelProto Model => _model;

    /// <summary>Sum of initializer sizes: what the reader must report as the parameter count.</summary>
    public long InitializerElements => Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));

    /// <summary>A float input; a null dimension is symbolic ("N").</summary>
    public string Input(string name, params long?[] dims)
    {
        Graph.Input.Add(ValueInfo(name, dims));
        return name;
    }

    public void Output(string name, params long?[] dims) => Graph.Output.Add(ValueInfo(name, dims));

    public string Initializer(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A rank-0 int64 initializer (Gather indices, Loop trip counts).</summary>
    public string Int64Scalar(string name, long value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Scalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A Gaussian weight with Var = gain / fanIn.</summary>
    public string Weight(string name, long[] dims, long fanIn, double gain = 2.0) =>
        Initializer(name, dims, Gaussian(dims.Aggregate(1L, (a, d) => a * d), Math.Sqrt(gain / fanIn)));

    public string Bias(string name, long size, double std = 0.05) => Initializer(name, [size], Gaussian(size, std));

    public float[] Gaussian(long count, double std)
    {
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller.
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            result[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return result;
    }

    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) => Node(opType, inputs, 1, attributes)[0];

    public string[] Node(string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var id = _counter++;
        var node = new NodeProto { OpType = opType, Name = $"{opType.ToLowerInvariant()}_{id}" };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => $"{opType.ToLowerInvariant()}_{id}_out{i}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Writes the model; the last node's output becomes the graph output when none was declared.</summary>
    public string Save(string path)
    {
        if (Graph.Output.Count == 0)
            Output(Graph.Node[^1].Output[0]);
        File.WriteAllBytes(path, _model.ToByteArray());
        return path;
    }

    /// <summary>Moves every initializer larger than <paramref name="minElements"/> into one external file next to the model.</summary>
    public void MoveToExternal(string folder, string fileName, long minElements = 16)
    {
        using var data = File.Create(Path.Combine(folder, fileName));
        foreach (var tensor in Graph.Initializer.Where(t => t.HasRawData && t.RawData.Length / 4 >= minElements))
        {
            var offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.ClearRawData();
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = fileName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = (data.Position - offset).ToString() });
        }
    }

    private static ValueInfoProto ValueInfo(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
