using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Onnx;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>The .onnx path through the analysis facade and the ONNX Runtime probe: predicted q next to measured q.</summary>
public sealed class OnnxAnalysisTests
{
    [Fact]
    public void Analyze_OnnxPath_ReadsTheFileFromDiskWhateverTheText()
    {
        using var folder = new TempFolder();
        var path = TestModels.Mlp().Save(folder.File("mlp.onnx"));
        var analyzer = new Analyzer();

        var document = analyzer.Analyze(path, "editor text of a binary file is irrelevant");

        var model = Assert.Single(document.Models);
        Assert.Equal(6, model.Layers.Length);
        Assert.All(document.Findings, f => Assert.Equal(0, f.Span!.Value.StartLine));
        Assert.Same(analyzer.AnalyzeOnnx(path).Document, document);
        Assert.Same(document, analyzer.AnalyzeFile(path));
    }

    [Fact]
    public void Analyze_UnreadableOnnx_IsOneFindingAtTheTopOfTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.onnx");
        File.WriteAllBytes(path, [0x3A, 0xFF, 0xFF, 0xFF, 0x0F]);

        var document = new Analyzer().Analyze(path, "");

        Assert.Empty(document.Models);
        var finding = Assert.Single(document.Findings);
        Assert.Equal("onnx-unreadable", finding.Code);
        Assert.Equal(new Model.Values.SourceSpan(path, 0, 0, 0, 0), finding.Span);
    }

    [Theory]
    [InlineData(64, 2048, "weights-undertrained")]
    [InlineData(256, 256, "weights-heavy-tailed")]
    public void Analyze_WeightSpectra_GiveWeightWatcherFindings(int rows, int cols, string code)
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("spectra", seed: 3);
        var x = factory.Input("x", null, cols);
        var random = new Random(3);
        // Gaussian weights (a random, untrained layer) or Pareto-tailed ones (tail index 1.5; heavy-tailed, as over-trained layers are).
        var values = code == "weights-undertrained"
            ? factory.Gaussian((long)rows * cols, Math.Sqrt(2.0 / cols))
            : Enumerable.Range(0, rows * cols).Select(_ => (float)((random.Next(2) * 2 - 1) * Math.Pow(1 - random.NextDouble(), -1 / 1.5) * 0.01)).ToArray();
        factory.Node("Gemm", [x, factory.Initializer("w", [rows, cols], values)], OnnxModelFactory.Int("transB", 1));
        var path = factory.Save(folder.File("spectra.onnx"));

        var analysis = new Analyzer().AnalyzeOnnx(path);

        var alpha = analysis.Report!.Layers[0].Fit.Alpha;
        Assert.True(analysis.Document.Findings.Any(f => f.Code == code), $"alpha {alpha}");
    }

    [Fact]
    public void Measure_Mlp_MeasuredQMatchesThePredictionFromStoredWeights()
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("deep", seed: 5);
        var h = factory.Input("x", null, 256);
        for (var layer = 0; layer < 4; layer++)
        {
            h = factory.Node("Gemm", [h, factory.Weight($"w{layer}", [256, 256], 256), factory.Bias($"b{layer}", 256)], OnnxModelFactory.Int("transB", 1));
            h = factory.Node("Relu", [h]);
        }
        var path = factory.Save(folder.File("deep.onnx"));
        var analysis = new Analyzer().AnalyzeOnnx(path);

        var probe = OnnxDocumentAnalyzer.Measure(analysis, new OnnxProbeOptions { BatchSize = 256 });

        Assert.Empty(probe.Findings);
        var compared = probe.Measurements.Where(m => m.PredictedQ is not null && m.ModelNode > 0).ToList();
        Assert.Equal(8, compared.Count);
        // He init (sigma_w^2 = 2) keeps q near 2 after each Linear; width 256 and batch 256 give a few percent of noise per layer.
        Assert.All(compared, m => Assert.InRange(m.MeanSquare / m.PredictedQ!.Value, 0.8, 1.25));
    }

    [Fact]
    public void Measure_ExternalDataModel_FindsItsWeightsNextToTheFile()
    {
        using var folder = new TempFolder();
        var factory = TestModels.SmallCnn();
        factory.MoveToExternal(folder.Path, "cnn.weights");
        var path = factory.Save(folder.File("cnn.onnx"));

        var probe = OnnxDocumentAnalyzer.Measure(new Analyzer().AnalyzeOnnx(path), new OnnxProbeOptions { BatchSize = 8 });

        Assert.Empty(probe.Findings);
        Assert.Equal(9, probe.Measurements.Count(m => m.ModelNode > 0));
    }

    [Fact]
    public void Measure_IntegerInput_IsAFindingNotAnException()
    {
        using var folder = new TempFolder();
        var path = folder.File("ids.onnx");
        var factory = new OnnxModelFactory("ids");
        factory.Graph.Input.Add(new Frontends.Onnx.Proto.ValueInfoProto
        {
            Name = "ids",
            Type = new Frontends.Onnx.Proto.TypeProto { TensorType = new Frontends.Onnx.Proto.TypeProto.Types.Tensor { ElemType = 7 } },
        });
        factory.Node("Cast", ["ids"], new Frontends.Onnx.Proto.AttributeProto { Name = "to", Type = Frontends.Onnx.Proto.AttributeProto.Types.AttributeType.Int, I = 1 });
        factory.Save(path);

        var probe = OnnxDocumentAnalyzer.Measure(new Analyzer().AnalyzeOnnx(path));

        Assert.Equal("onnx-probe-failed", Assert.Single(probe.Findings).Code);
    }
}
