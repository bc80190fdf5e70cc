using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Frontends.Tests.Onnx;

public sealed class OnnxReaderTests
{
    private static (OnnxReadResult Result, ModelGraph Graph, OnnxModelFactory Factory) ReadGenerated(OnnxModelFactory factory, TempFolder folder, string file = "model.onnx")
    {
        var path = factory.Save(folder.File(file));
        var result = OnnxReader.Read(path);
        Assert.DoesNotContain(result.Findings, f => f.Code == "onnx-unreadable");
        return (result, Assert.Single(result.Models), factory);
    }

    [Fact]
    public void Read_GemmMlp_MapsLayersWithStoredWeightStatistics()
    {
        using var folder = new TempFolder();
        var (result, graph, factory) = ReadGenerated(TestModels.Mlp(), folder);

        Assert.Equal(ModelOrigin.Onnx, graph.Origin);
        Assert.Equal(["Input", "Linear", "ReLU", "Linear", "Tanh", "Linear"], graph.Nodes.Select(n => n.Op.Kind));
        Assert.Equal(new Linear(784, 64), graph.Nodes[1].Op);
        Assert.Equal(TensorShape.Of(784), graph.InputShape);
        Assert.Equal(TensorShape.Of(10), graph.InferShapes().OutputOf(graph.Output));
        var init = Assert.IsType<MeasuredInit>(graph.Nodes[1].WeightInit);
        Assert.Equal(64 * 784, init.Count);
        // He-scaled weights: sigma_w^2 = Var(W) fan_in = 2 within sampling error (50k values: about 1%).
        Assert.InRange(graph.Nodes[1].SigmaW2!.Value, 1.95, 2.05);
        Assert.InRange(graph.Nodes[5].SigmaW2!.Value, 0.8, 1.2);
        Assert.Equal(factory.InitializerElements, result.Report!.ParameterCount);
        Assert.Equal(factory.InitializerElements, graph.ParameterCount);
        Assert.Equal(3, result.Report.Layers.Length);
        Assert.All(result.Report.Layers, l => Assert.Equal(l.Variance * l.FanIn, l.SigmaW2, 9));
    }

    [Fact]
    public void Read_ExporterPatterns_FusesMatMulAddErfGeluAndSilu()
    {
        using var folder = new TempFolder();
        var (result, graph, factory) = ReadGenerated(TestModels.PatternMlp(), folder);

        Assert.Equal(["Input", "Linear", "GELU", "Linear", "SiLU", "Linear"], graph.Nodes.Select(n => n.Op.Kind));
        Assert.True(((Linear)graph.Nodes[1].Op).HasBias);
        Assert.False(((Linear)graph.Nodes[5].Op).HasBias);
        Assert.IsType<MeasuredInit>(graph.Nodes[1].BiasInit);
        Assert.Empty(result.Report!.UnknownOps);
        Assert.Equal(factory.InitializerElements - 3, graph.ParameterCount); // The three scalars of the GELU pattern are constants, not weights.
        Assert.Equal(factory.InitializerElements, result.Report.ParameterCount);
        Assert.All(factory.Graph.Node, n => Assert.Contains(result.Report.Nodes, info => info.Name == n.Name && info.ModelNode is not null));
    }

    [Fact]
    public void Read_SmallCnn_InfersShapesThroughConvPoolAndFlatten()
    {
        using var folder = new TempFolder();
        var (result, graph, _) = ReadGenerated(TestModels.SmallCnn(), folder);

        Assert.Equal(["Input", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "AdaptiveAvgPool2d", "Flatten", "Linear"], graph.Nodes.Select(n => n.Op.Kind));
        var shapes = graph.InferShapes();
        Assert.Empty(shapes.Findings);
        Assert.Equal(TensorShape.Of(8, 16, 16), shapes.OutputOf(1));
        Assert.Equal(TensorShape.Of(8, 8, 8), shapes.OutputOf(4));
        Assert.Equal(TensorShape.Of(16, 4, 4), shapes.OutputOf(5));
        Assert.Equal(TensorShape.Of(10), shapes.OutputOf(9));
        // BatchNorm's running mean and variance are initializers but not parameters: 2 x 8 values.
        Assert.Equal(result.Report!.ParameterCount - 16, graph.ParameterCount);
        Assert.InRange(graph.Nodes[1].SigmaW2!.Value, 1.6, 2.4);
    }

    [Fact]
    public void Read_ResidualBlock_KeepsTheSkipAsAddOfTwoBranches()
    {
        using var folder = new TempFolder();
        var (result, graph, factory) = ReadGenerated(TestModels.ResidualBlock(), folder);

        var add = Assert.Single(graph.Nodes, n => n.Op is Add);
        Assert.Equal([0, 3], add.Inputs.Order());
        Assert.Equal([-1L], ((Reshape)graph.Nodes.Single(n => n.Op is Reshape).Op).Target.ToArray());
        Assert.Equal(TensorShape.Of(4), graph.InferShapes().OutputOf(graph.Output));
        Assert.Equal(factory.InitializerElements - 2, graph.ParameterCount); // The reshape target [0, -1] is a constant.
        Assert.Equal(factory.InitializerElements, result.Report!.ParameterCount);
    }

    [Fact]
    public void Read_ExternalData_ReadsWeightsFromTheFileNextToTheModel()
    {
        using var folder = new TempFolder();
        var inline = OnnxReader.Read(TestModels.Mlp().Save(folder.File("inline.onnx")));
        var factory = TestModels.Mlp();
        factory.MoveToExternal(folder.Path, "mlp.weights");
        var (result, graph, _) = ReadGenerated(factory, folder, "external.onnx");

        Assert.Empty(result.Findings.Where(f => f.Code == "onnx-bad-tensor"));
        Assert.Contains(result.Report!.Initializers, i => i.Storage == "external: mlp.weights");
        Assert.Equal(inline.Report!.ParameterCount, result.Report.ParameterCount);
        Assert.Equal(inline.Models[0].Nodes[1].WeightInit, graph.Nodes[1].WeightInit);
        Assert.Equal(inline.Report.Layers.Select(l => l.SpectralNorm), result.Report.Layers.Select(l => l.SpectralNorm));
    }

    [Fact]
    public void Read_UnmappedOp_BecomesUnknownWithItsOpType()
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("unknown");
        var x = factory.Input("x", null, 16);
        var h = factory.Node("Gemm", [x, factory.Weight("w", [16, 16], 16), factory.Bias("b", 16)], OnnxModelFactory.Int("transB", 1));
        h = factory.Node("Sin", [h]);
        factory.Node("Relu", [h]);
        var (result, graph, _) = ReadGenerated(factory, folder);

        var unknown = Assert.IsType<UnknownOp>(graph.Nodes[2].Op);
        Assert.Equal("Sin", unknown.TypeName);
        Assert.Equal(1, result.Report!.UnknownOps["Sin"]);
        Assert.Contains(result.Findings, f => f.Code == "unknown-op" && f.Message.Contains("Sin"));
    }

    [Fact]
    public void Read_SpectraOfRandomWeights_FitMarchenkoPasturAsUndertrained()
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("wide");
        var x = factory.Input("x", null, 512);
        factory.Node("Gemm", [x, factory.Weight("w", [256, 512], 512)], OnnxModelFactory.Int("transB", 1));
        var (result, _, _) = ReadGenerated(factory, folder);

        var layer = Assert.Single(result.Report!.Layers);
        Assert.Equal("exact (256×512)", layer.Spectrum);
        // Gaussian W, Var = 2/512: singular values of a 256×512 matrix reach sqrt(2/512)(sqrt 256 + sqrt 512) ≈ 2.41 (Marchenko–Pastur edge).
        Assert.InRange(layer.SpectralNorm!.Value, 2.3, 2.5);
        Assert.Equal(PowerLawFitStatus.Success, layer.Fit.Status);
        // Clauset MLE on a Marchenko–Pastur bulk: measured alpha 5.66 (tail of 48 of 256, seed 1); well above the heavy-tailed range.
        Assert.InRange(layer.Fit.Alpha!.Value, 4, 8);
        Assert.InRange(layer.StableRank!.Value, 50, 120);
    }

    [Fact]
    public void Read_LargeMatrix_SamplesColumnsAndSaysSo()
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("sampled");
        var x = factory.Input("x", null, 4096);
        factory.Node("Gemm", [x, factory.Weight("w", [64, 4096], 4096)], OnnxModelFactory.Int("transB", 1));
        var path = factory.Save(folder.File("m.onnx"));
        var exact = OnnxReader.Read(path, new OnnxReadOptions { SpectrumMaxColumns = 4096 }).Report!.Layers[0];
        var sampled = OnnxReader.Read(path, new OnnxReadOptions { SpectrumMaxColumns = 1024 }).Report!.Layers[0];

        Assert.StartsWith("estimated from every 4th column", sampled.Spectrum);
        Assert.Equal(exact.SpectralNorm!.Value, sampled.SpectralNorm!.Value, 0.1 * exact.SpectralNorm!.Value);
        Assert.Equal(exact.Variance, sampled.Variance);
    }
}
