using Google.Protobuf;
using LearningMechanics.Frontends.Onnx.Proto;
using static LearningMechanics.Frontends.Tests.Onnx.OnnxModelFactory;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>Generated models for the mapping of exporter patterns: dynamic Reshape, LayerNorm (op and decomposition), tanh GELU, Transpose, Identity, Constant, If and Loop.</summary>
internal static class MappingTestModels
{
    public static string[] Names => ["dynamic-reshape", "layernorm-op", "layernorm-decomposed", "gelu-tanh", "transpose", "identity-constant", "if-loop"];

    public static OnnxModelFactory Build(string name) => name switch
    {
        "dynamic-reshape" => DynamicReshape(),
        "layernorm-op" => LayerNormOp(),
        "layernorm-decomposed" => LayerNormDecomposed(),
        "gelu-tanh" => GeluTanh(),
        "transpose" => Transpose(),
        "identity-constant" => IdentityConstant(),
        "if-loop" => IfLoop(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>x [N, 4, 4] → Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) → MatMul [16, 8]: torch's x.view(x.size(0), -1).</summary>
    public static OnnxModelFactory DynamicReshape()
    {
        var f = new OnnxModelFactory("dynamic_reshape", seed: 11);
        var x = f.Input("x", null, 4, 4);
        var shape = f.Node("Shape", [x]);
        var batch = f.Node("Gather", [shape, f.Int64Scalar("zero", 0)], Int("axis", 0));
        var unsqueezed = f.Node("Unsqueeze", [batch, f.Int64Initializer("axes0", 0)]);
        var target = f.Node("Concat", [unsqueezed, f.Int64Initializer("minus_one", -1)], Int("axis", 0));
        var flat = f.Node("Reshape", [x, target]);
        var h = f.Node("MatMul", [flat, f.Weight("w", [16, 8], 16)]);
        f.Output(h, null, 8);
        return f;
    }

    /// <summary>MatMul+Add, then LayerNormalization (opset 17) with scale and bias, then MatMul.</summary>
    public static OnnxModelFactory LayerNormOp()
    {
        var f = new OnnxModelFactory("layernorm_op", seed: 12);
        var x = f.Input("x", null, 16);
        var h = f.Node("MatMul", [x, f.Weight("w1", [16, 16], 16)]);
        h = f.Node("Add", [h, f.Bias("b1", 16)]);
        h = f.Node("LayerNormalization", [h, f.Initializer("gamma", [16], Enumerable.Repeat(1f, 16).ToArray()), f.Bias("beta", 16)], Int("axis", -1), Float("epsilon", 1e-5f));
        h = f.Node("MatMul", [h, f.Weight("w2", [16, 4], 16, gain: 1)]);
        f.Output(h, null, 4);
        return f;
    }

    /// <summary>The decomposition exporters write before opset 17: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta.</summary>
    public static OnnxModelFactory LayerNormDecomposed()
    {
        var f = new OnnxModelFactory("layernorm_decomposed", seed: 13);
        var x = f.Input("x", null, 16);
        var h = f.Node("MatMul", [x, f.Weight("w1", [16, 16], 16)]);
        h = f.Node("Add", [h, f.Bias("b1", 16)]);
        var mean = f.Node("ReduceMean", [h], Ints("axes", -1));
        var centred = f.Node("Sub", [h, mean]);
        var squared = f.Node("Pow", [centred, f.Scalar("two", 2)]);
        var variance = f.Node("ReduceMean", [squared], Ints("axes", -1));
        var shifted = f.Node("Add", [variance, f.Scalar("eps", 1e-5f)]);
        var deviation = f.Node("Sqrt", [shifted]);
        var normalised = f.Node("Div", [centred, deviation]);
        h = f.Node("Mul", [normalised, f.Initializer("gamma", [16], Enumerable.Repeat(1f, 16).ToArray())]);
        h = f.Node("Add", [h, f.Bias("beta", 16)]);
        h = f.Node("MatMul", [h, f.Weight("w2", [16, 4], 16, gain: 1)]);
        f.Output(h, null, 4);
        return f;
    }

    /// <summary>MatMul+Add, GELU as 0.5·x·(1 + tanh(√(2/π)(x + 0.044715 x³))), MatMul.</summary>
    public static OnnxModelFactory GeluTanh()
    {
        var f = new OnnxModelFactory("gelu_tanh", seed: 14);
        var x = f.Input("x", null, 16);
        var h = f.Node("MatMul", [x, f.Weight("w1", [16, 24], 16, gain: 1)]);
        h = f.Node("Add", [h, f.Bias("b1", 24)]);
        var cube = f.Node("Pow", [h, f.Scalar("three", 3)]);
        var scaledCube = f.Node("Mul", [cube, f.Scalar("c", 0.044715f)]);
        var inner = f.Node("Add", [h, scaledCube]);
        var scaled = f.Node("Mul", [inner, f.Scalar("sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))]);
        var tanh = f.Node("Tanh", [scaled]);
        var onePlus = f.Node("Add", [tanh, f.Scalar("one", 1)]);
        var halfX = f.Node("Mul", [h, f.Scalar("half", 0.5f)]);
        h = f.Node("Mul", [halfX, onePlus]);
        h = f.Node("MatMul", [h, f.Weight("w2", [24, 4], 24, gain: 1)]);
        f.Output(h, null, 4);
        return f;
    }

    /// <summary>x [N, 4, 6] → Transpose [0, 2, 1] → Reshape [0, -1] → MatMul [24, 5].</summary>
    public static OnnxModelFactory Transpose()
    {
        var f = new OnnxModelFactory("transpose", seed: 15);
        var x = f.Input("x", null, 4, 6);
        var t = f.Node("Transpose", [x], Ints("perm", 0, 2, 1));
        var flat = f.Node("Reshape", [t, f.Int64Initializer("flat", 0, -1)]);
        var h = f.Node("MatMul", [flat, f.Weight("w", [24, 5], 24)]);
        f.Output(h, null, 5);
        return f;
    }

    /// <summary>x → Identity → Gemm → Mul by a Constant node's scalar → Relu.</summary>
    public static OnnxModelFactory IdentityConstant()
    {
        var f = new OnnxModelFactory("identity_constant", seed: 16);
        var x = f.Input("x", null, 12);
        var h = f.Node("Identity", [x]);
        h = f.Node("Gemm", [h, f.Weight("w", [8, 12], 12), f.Bias("b", 8)], Int("transB", 1));
        var two = f.Node("Constant", [], new AttributeProto { Name = "value_float", Type = AttributeProto.Types.AttributeType.Float, F = 2 });
        h = f.Node("Mul", [h, two]);
        h = f.Node("Relu", [h]);
        f.Output(h, null, 8);
        return f;
    }

    /// <summary>Gemm, then If (a stored condition; then: Relu, else: Sigmoid), then Loop (2 iterations of v + v) over the result.</summary>
    public static OnnxModelFactory IfLoop()
    {
        var f = new OnnxModelFactory("if_loop", seed: 17);
        var x = f.Input("x", null, 6);
        var h = f.Node("Gemm", [x, f.Weight("w", [6, 6], 6), f.Bias("b", 6)], Int("transB", 1));
        var condition = new TensorProto { Name = "condition", DataType = (int)TensorProto.Types.DataType.Bool };
        condition.Int32Data.Add(1);
        f.Graph.Initializer.Add(condition);
        var branched = f.Node("If", ["condition"], Graph("then_branch", Branch("then", "Relu", h)), Graph("else_branch", Branch("else", "Sigmoid", h)));
        var body = new GraphProto { Name = "body" };
        body.Input.Add(new ValueInfoProto { Name = "i", Type = TensorType(TensorProto.Types.DataType.Int64, scalar: true) });
        body.Input.Add(new ValueInfoProto { Name = "cond_in", Type = TensorType(TensorProto.Types.DataType.Bool, scalar: true) });
        body.Input.Add(new ValueInfoProto { Name = "v_in", Type = TensorType(TensorProto.Types.DataType.Float) });
        body.Node.Add(new NodeProto { OpType = "Identity", Name = "body_cond", Input = { "cond_in" }, Output = { "cond_out" } });
        body.Node.Add(new NodeProto { OpType = "Add", Name = "body_add", Input = { "v_in", "v_in" }, Output = { "v_out" } });
        body.Output.Add(new ValueInfoProto { Name = "cond_out", Type = TensorType(TensorProto.Types.DataType.Bool) });
        body.Output.Add(new ValueInfoProto { Name = "v_out", Type = TensorType(TensorProto.Types.DataType.Float) });
        var looped = f.Node("Loop", [f.Int64Scalar("trips", 2), "", branched], Graph("body", body));
        f.Output(looped, null, 6);
        return f;
    }

    private static GraphProto Branch(string name, string opType, string input)
    {
        var graph = new GraphProto { Name = name };
        graph.Node.Add(new NodeProto { OpType = opType, Name = name + "_" + opType.ToLowerInvariant(), Input = { input }, Output = { name + "_out" } });
        graph.Output.Add(new ValueInfoProto { Name = name + "_out", Type = TensorType(TensorProto.Types.DataType.Float) });
        return graph;
    }

    private static TypeProto TensorType(TensorProto.Types.DataType type, bool scalar = false) =>
        new() { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = scalar ? new TensorShapeProto() : null } };

    private static AttributeProto Graph(string name, GraphProto graph) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };
}
