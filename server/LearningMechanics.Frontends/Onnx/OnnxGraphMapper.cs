using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// ONNX graph to model graph: nodes in topological order (Kahn), constants folded into the ops that use them, the
/// patterns exporters write for one module fused back (MatMul + Add = Linear, the Erf form of GELU, x * Sigmoid(x) = SiLU),
/// every other op through <see cref="OnnxOpTable"/>. Shapes exclude the batch dimension (ONNX dimension 0), as the model
/// graph's do, and are inferred while mapping so that ops that need their input's shape (Reshape with 0, auto_pad) get it.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    private readonly ScannedGraph _graph;
    private readonly Func<TensorData, double[]?> _readSmall;
    private readonly OnnxReadOptions _options;
    private readonly SourceSpan _span;
    private readonly Dictionary<string, OnnxValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _graphInputs = new(StringComparer.Ordinal);
    private readonly List<TensorShape> _shapes = [];
    private readonly List<OnnxNodeInfo> _nodeInfos = [];
    private readonly List<WeightBinding> _bindings = [];
    private readonly List<Finding> _findings = [];
    private readonly List<OnnxSubgraphInfo> _subgraphs = [];
    private readonly Dictionary<string, int> _unknownOps = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _tensorOfNode = [];
    private GraphBuilder _builder = null!;
    private readonly long _opset;

    public OnnxGraphMapper(ScannedGraph graph, long opset, string path, Func<TensorData, double[]?> readSmall, OnnxReadOptions options)
    {
        _opset = opset;
        _graph = graph;
        _readSmall = readSmall;
        _options = options;
        _span = new SourceSpan(path, 0, 0, 0, 0);
    }

    public sealed record Result(
        ModelGraph Graph,
        ImmutableArray<WeightBinding> Bindings,
        ImmutableArray<OnnxNodeInfo> Nodes,
        ImmutableArray<OnnxSubgraphInfo> Subgraphs,
        ImmutableDictionary<string, int> UnknownOps,
        ImmutableDictionary<int, string> TensorOfNode,
        ImmutableArray<Finding> Findings);

    public Result Map(string modelName, CancellationToken cancellationToken)
    {
        foreach (var initializer in _graph.Initializers)
            _values[initializer.Name] = new ConstantValue(initializer.Dims, initializer, SmallValues(initializer));
        var runtimeInputs = _graph.Inputs.Where(i => !_values.ContainsKey(i.Name)).ToList();
        foreach (var input in runtimeInputs)
            _graphInputs[input.Name] = input;
        var first = runtimeInputs.FirstOrDefault();
        var inputShape = first is null ? TensorShape.UnknownRank : ShapeWithoutBatch(first);
        _builder = new GraphBuilder(modelName, ModelOrigin.Onnx, inputShape);
        _shapes.Add(inputShape);
        if (first is not null)
        {
            _values[first.Name] = new RuntimeValue(0);
            _tensorOfNode[0] = first.Name;
        }
        foreach (var node in _graph.Nodes.Where(n => n.OpType == "Constant" && IsStandard(n) && n.Output.Count > 0))
            _values[node.Output[0]] = ConstantTensors.FromConstantNode(node, _options.MaxConstantElements);

        var order = TopologicalOrder();
        var fusions = FindFusions(order);
        foreach (var index in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = _graph.Nodes[index];
            if (fusions.TryGetValue(index, out var fusion))
            {
                if (fusion.Last == index)
                    EmitFusion(fusion);
                continue;
            }
            MapNode(node, index);
        }

        var outputId = _graph.Outputs.Select(o => _values.GetValueOrDefault(o.Name)).OfType<RuntimeValue>().Select(v => v.NodeId).DefaultIfEmpty(_builder.Last).First();
        var graph = _builder.Build(span: _span, output: outputId);
        return new Result(graph, [.. _bindings], [.. _nodeInfos], [.. _subgraphs], _unknownOps.ToImmutableDictionary(), _tensorOfNode.ToImmutableDictionary(), [.. _findings]);
    }

    /// <summary>Values the mapping may need: integer tensors (shapes, axes) up to the limit, and float scalars of fused patterns.</summary>
    private double[]? SmallValues(TensorData tensor) =>
        tensor.ElementCount is >= 0 and var n && (n <= 16 || !tensor.IsFloatingPoint && n <= _options.MaxConstantElements) ? _readSmall(tensor) : null;

    private static bool IsStandard(NodeProto node) => node.Domain is "" or "ai.onnx";

    /// <summary>ONNX dimension 0 is the batch; the model graph's shapes leave it out. A rank-1 input has no batch dimension.</summary>
    private static TensorShape ShapeWithoutBatch(ValueInfoProto info)
    {
        if (info.Type?.TensorType?.Shape is not { } shape)
            return TensorShape.UnknownRank;
        var dims = shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? (long?)d.DimValue : null).ToList();
        return new TensorShape((dims.Count >= 2 ? dims.Skip(1) : dims).ToImmutableArray());
    }

    /// <summary>Kahn's algorithm over tensor producers; nodes left in a cycle are appended in file order with a finding.</summary>
    private List<int> TopologicalOrder()
    {
        var nodes = _graph.Nodes;
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
            foreach (var output in nodes[i].Output)
                if (output.Length > 0)
                    producer.TryAdd(output, i);
        var pending = new int[nodes.Length];
        var dependents = new List<int>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            dependents[i] = [];
        }
        for (var i = 0; i < nodes.Length; i++)
        {
            foreach (var input in nodes[i].Input.Distinct())
            {
                if (producer.TryGetValue(input, out var p) && p != i)
                {
                    pending[i]++;
                    dependents[p].Add(i);
                }
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Length; i++)
            if (pending[i] == 0)
                ready.Enqueue(i, i);
        var order = new List<int>(nodes.Length);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(i);
            foreach (var d in dependents[i])
                if (--pending[d] == 0)
                    ready.Enqueue(d, d);
        }
        if (order.Count < nodes.Length)
        {
            var cyclic = Enumerable.Range(0, nodes.Length).Where(i => pending[i] > 0).ToList();
            _findings.Add(new Finding("onnx-cycle", Severity.Error,
                $"{cyclic.Count} nodes form a cycle (an ONNX graph must be acyclic), e.g. '{NodeName(nodes[cyclic[0]], cyclic[0])}'; they are mapped in file order", _span));
            order.AddRange(cyclic);
        }
        return order;
    }

    private static string NodeName(NodeProto node, int index) => node.Name.Length > 0 ? node.Name : $"{node.OpType}_{index}";

    private int? Runtime(string tensor)
    {
        if (_values.TryGetValue(tensor, out var value))
            return value is RuntimeValue runtime ? runtime.NodeId : null;
        if (_graphInputs.TryGetValue(tensor, out var input))
        {
            var shape = ShapeWithoutBatch(input);
            var id = Emit(new Input(shape), [], tensor, tensor);
            return id;
        }
        return null;
    }

    private ConstantValue? Constant(string tensor) => _values.GetValueOrDefault(tensor) as ConstantValue;

    private TensorShape ShapeOf(int nodeId) => _shapes[nodeId];

    /// <summary>Adds a model node and records its output tensor; the shape is inferred on the spot from the inputs' shapes.</summary>
    private int Emit(Op op, IReadOnlyList<int> inputs, string name, string outputTensor)
    {
        var id = _builder.Add(op, inputs, name, _span);
        TensorShape shape;
        try
        {
            shape = op.InferShape(inputs.Select(ShapeOf).ToImmutableArray()).Shape;
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // Design note: attributes of a corrupted file can reach shape rules the TorchSharp reader never feeds them.
            _findings.Add(new Finding("onnx-shape-failed", Severity.Warning, $"The output shape of '{name}' ({op.Kind}) could not be inferred: {e.Message}", _span));
            shape = TensorShape.UnknownRank;
        }
        _shapes.Add(shape);
        _values[outputTensor] = new RuntimeValue(id);
        _tensorOfNode[id] = outputTensor;
        return id;
    }

    private void Record(NodeProto node, int index, int? modelNode, string mapping) =>
        _nodeInfos.Add(new OnnxNodeInfo(NodeName(node, index), node.OpType, node.Domain, [.. node.Input], [.. node.Output], modelNode, mapping));
}
