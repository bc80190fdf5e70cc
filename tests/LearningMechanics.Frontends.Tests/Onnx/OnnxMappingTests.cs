using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>
/// Exporter patterns mapped to model ops, each on a generated model that ONNX Runtime also reads and runs; and the
/// mapping property on every generated model, stored inline and with external data: every node mapped, folded or reported
/// Unknown by its op type, and the parameter count equal to the sum of initializer sizes.
/// </summary>
public sealed class OnnxMappingTests
{
    public static TheoryData<string, bool> AllModels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "mlp", "patterns", "cnn", "residual" }.Concat(MappingTestModels.Names))
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private static OnnxModelFactory Build(string name) => name switch
    {
        "mlp" => TestModels.Mlp(),
        "patterns" => TestModels.PatternMlp(),
        "cnn" => TestModels.SmallCnn(),
        "residual" => TestModels.ResidualBlock(),
        _ => MappingTestModels.Build(name),
    };

    [Theory]
    [MemberData(nameof(AllModels))]
    public void EveryGeneratedModel_EveryNodeMappedFoldedOrUnknownByOpType_ParameterCountIsTheInitializerSum(string name, bool external)
    {
        using var folder = new TempFolder();
        var factory = Build(name);
        if (external)
            factory.MoveToExternal(folder.Path, "weights.bin");
        var path = factory.Save(folder.File(name + ".onnx"));

        var result = OnnxReader.Read(path);

        Assert.DoesNotContain(result.Findings, f => f.Code is "onnx-unreadable" or "onnx-bad-tensor" or "onnx-missing-input");
        var graph = Assert.Single(result.Models);
        var report = result.Report!;
        Assert.Equal(factory.InitializerElements, report.ParameterCount);
        Assert.Equal(factory.Graph.Node.Select(n => n.Name).Order(), report.Nodes.Select(n => n.Name).Order());
        foreach (var info in report.Nodes)
        {
            Assert.True(info.ModelNode is not null || info.Mapping.StartsWith("constant", StringComparison.Ordinal) || info.Mapping.StartsWith("shape computation", StringComparison.Ordinal),
                $"{info.Name} ({info.OpType}) is neither mapped nor folded: {info.Mapping}");
            if (info.ModelNode is { } id && graph[id].Op is UnknownOp unknown)
                Assert.Equal(info.OpType, unknown.TypeName);
        }
        var unknownNodes = graph.Nodes.Where(n => n.Op is UnknownOp).GroupBy(n => ((UnknownOp)n.Op).TypeName).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(unknownNodes.OrderBy(p => p.Key), report.UnknownOps.OrderBy(p => p.Key));
        if (external)
            Assert.Contains(report.Initializers, i => i.Storage.StartsWith("external", StringComparison.Ordinal) && i.Mean is not null);
    }

    [Theory]
    [InlineData("dynamic-reshape", new[] { "Input", "Reshape", "Linear" })]
    [InlineData("layernorm-op", new[] { "Input", "Linear", "LayerNorm", "Linear" })]
    [InlineData("layernorm-decomposed", new[] { "Input", "Linear", "LayerNorm", "Linear" })]
    [InlineData("gelu-tanh", new[] { "Input", "Linear", "GELU", "Linear" })]
    [InlineData("transpose", new[] { "Input", "Reshape", "Reshape", "Linear" })]
    [InlineData("identity-constant", new[] { "Input", "Linear", "Mul", "ReLU" })]
    public void Pattern_MapsToTheModelOps_AndOnnxRuntimeComputesTheShapeTheReaderInfers(string name, string[] kinds)
    {
        using var folder = new TempFolder();
        var factory = MappingTestModels.Build(name);
        var path = factory.Save(folder.File(name + ".onnx"));

        var result = OnnxReader.Read(path);

        var graph = Assert.Single(result.Models);
        Assert.Equal(kinds, graph.Nodes.Select(n => n.Op.Kind));
        Assert.Empty(result.Report!.UnknownOps);
        var predicted = graph.InferShapes().OutputOf(graph.Output);
        Assert.Equal([2, .. predicted.Dims.Select(d => (int)d!.Value)], RunInOnnxRuntime(path, factory).Dimensions.ToArray());
    }

    [Fact]
    public void DynamicReshape_FoldsTheShapeChain_ToTheFlattenedSize()
    {
        using var folder = new TempFolder();
        var result = OnnxReader.Read(MappingTestModels.DynamicReshape().Save(folder.File("m.onnx")));

        var graph = Assert.Single(result.Models);
        Assert.Equal([-1L], Assert.IsType<Reshape>(graph.Nodes[1].Op).Target.ToArray());
        Assert.Equal(TensorShape.Of(16), graph.InferShapes().OutputOf(1));
        Assert.Equal(4, result.Report!.Nodes.Count(n => n.Mapping.StartsWith("shape computation", StringComparison.Ordinal)));
    }

    [Fact]
    public void LayerNormDecomposition_CarriesEpsAndAffine_LikeTheOp()
    {
        using var folder = new TempFolder();
        var decomposed = Assert.Single(OnnxReader.Read(MappingTestModels.LayerNormDecomposed().Save(folder.File("d.onnx"))).Models);
        var op = Assert.Single(OnnxReader.Read(MappingTestModels.LayerNormOp().Save(folder.File("o.onnx"))).Models);

        var fused = Assert.IsType<LayerNorm>(decomposed.Nodes[2].Op);
        var native = Assert.IsType<LayerNorm>(op.Nodes[2].Op);
        Assert.Equal(native.NormalizedShape.ToArray(), fused.NormalizedShape.ToArray());
        Assert.Equal(native.ElementwiseAffine, fused.ElementwiseAffine);
        Assert.Equal(native.HasBias, fused.HasBias);
        Assert.Equal(native.Eps, fused.Eps, 1e-9);
    }

    [Fact]
    public void Transpose_KeepingTheBatch_PermutesTheSampleShape()
    {
        using var folder = new TempFolder();
        var graph = Assert.Single(OnnxReader.Read(MappingTestModels.Transpose().Save(folder.File("t.onnx"))).Models);

        Assert.Equal(TensorShape.Of(6, 4), graph.InferShapes().OutputOf(1));
    }

    [Fact]
    public void IfAndLoop_AreUnknownByOpType_TheirSubgraphsListed_AndOnnxRuntimeRunsTheModel()
    {
        using var folder = new TempFolder();
        var factory = MappingTestModels.IfLoop();
        var path = factory.Save(folder.File("if_loop.onnx"));

        var result = OnnxReader.Read(path);

        Assert.Equal(1, result.Report!.UnknownOps["If"]);
        Assert.Equal(1, result.Report.UnknownOps["Loop"]);
        Assert.Equal([("If", "else_branch", 1), ("If", "then_branch", 1), ("Loop", "body", 2)],
            result.Report.Subgraphs.Select(s => (s.OpType, s.Attribute, s.NodeCount)).OrderBy(s => s.OpType).ThenBy(s => s.Attribute));
        Assert.Equal(3, result.Findings.Count(f => f.Code == "onnx-subgraph"));
        Assert.Equal([2, 6], RunInOnnxRuntime(path, factory).Dimensions.ToArray());
    }

    private static Tensor<float> RunInOnnxRuntime(string path, OnnxModelFactory factory)
    {
        using var session = new InferenceSession(path);
        var input = session.InputMetadata.Single(i => i.Key == factory.Graph.Input[0].Name);
        var dims = input.Value.Dimensions.Select(d => d < 0 ? 2 : d).ToArray();
        var data = new DenseTensor<float>(Enumerable.Range(0, dims.Aggregate(1, (a, d) => a * d)).Select(i => (float)Math.Sin(i)).ToArray(), dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input.Key, data)]);
        var output = results.First().AsTensor<float>();
        Assert.All(output.ToArray(), v => Assert.True(float.IsFinite(v)));
        return output.Clone();
    }
}
