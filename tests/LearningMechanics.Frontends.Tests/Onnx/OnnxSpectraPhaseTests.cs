using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Frontends.Onnx;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>The two-phase ONNX analysis: a fast first read without spectra, then the spectra with progress, cancellation and failed fits.</summary>
public sealed class OnnxSpectraPhaseTests
{
    private static readonly OnnxReadOptions FirstPhase = OnnxReadOptions.Default with { Spectra = false };

    [Fact]
    public void ReadSpectra_AfterAFirstPhase_GivesWhatOneFullReadGives()
    {
        using var folder = new TempFolder();
        var path = TestModels.SmallCnn().Save(folder.File("cnn.onnx"));
        var full = OnnxReader.Read(path).Report!;
        var first = OnnxReader.Read(path, FirstPhase).Report!;
        Assert.All(first.Layers, l => Assert.Equal(PowerLawFitStatus.Pending, l.Fit.Status));
        Assert.All(first.Layers, l => Assert.Null(l.SpectralNorm));
        var reports = new List<OnnxSpectraProgress>();

        var completed = OnnxReader.ReadSpectra(first, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(full.Layers.Length, completed.Layers.Length);
        foreach (var (after, reference) in completed.Layers.Zip(full.Layers))
        {
            Assert.Equal(reference.Fit.Status, after.Fit.Status);
            Assert.Equal(reference.Fit.Alpha, after.Fit.Alpha);
            Assert.Equal(reference.SpectralNorm!.Value, after.SpectralNorm!.Value, 9);
            Assert.Equal(reference.StableRank!.Value, after.StableRank!.Value, 9);
            Assert.Equal(reference.SigmaW2, after.SigmaW2);
        }
        Assert.Equal(Enumerable.Range(0, first.Layers.Length + 1), reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(first.Layers.Length, r.Total));
        Assert.Null(reports[^1].Layer);
    }

    [Fact]
    public void ReadSpectra_Cancelled_Throws()
    {
        using var folder = new TempFolder();
        var path = TestModels.Mlp().Save(folder.File("mlp.onnx"));
        var first = OnnxReader.Read(path, FirstPhase).Report!;
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => OnnxReader.ReadSpectra(first, cancellationToken: cancellation.Token));
    }

    [Fact]
    public void ReadSpectra_FileChangedSinceTheFirstPhase_FailsEveryPendingFitWithTheReason()
    {
        using var folder = new TempFolder();
        var path = TestModels.Mlp().Save(folder.File("mlp.onnx"));
        var first = OnnxReader.Read(path, FirstPhase).Report!;
        TestModels.SmallCnn().Save(path);

        var completed = OnnxReader.ReadSpectra(first);

        Assert.All(completed.Layers, l => Assert.Equal(PowerLawFitStatus.Failed, l.Fit.Status));
        Assert.All(completed.Layers, l => Assert.Null(l.Fit.Alpha));
        Assert.All(completed.Layers, l => Assert.Contains("changed", l.Fit.Reason));
    }

    [Fact]
    public void CompleteSpectra_OverflowingWeights_ReportTheFitAsFailedNotAsANumber()
    {
        using var folder = new TempFolder();
        var factory = new OnnxModelFactory("overflow", seed: 5);
        var x = factory.Input("x", null, 64);
        // Finite float32 values whose products overflow: the Gram matrix is not finite, the decomposition is refused.
        var values = factory.Gaussian(64 * 64, 1).Select(v => v * 1e30f).ToArray();
        factory.Node("Gemm", [x, factory.Initializer("w", [64, 64], values)], OnnxModelFactory.Int("transB", 1));
        var path = factory.Save(folder.File("overflow.onnx"));
        var analyzer = new Analyzer { DeferOnnxSpectra = true };
        var first = analyzer.AnalyzeOnnx(path);
        Assert.True(first.SpectraPending);

        var completed = analyzer.CompleteOnnxSpectra(path, null, CancellationToken.None)!;

        var layer = Assert.Single(completed.Report!.Layers);
        Assert.Equal(PowerLawFitStatus.Failed, layer.Fit.Status);
        Assert.Null(layer.Fit.Alpha);
        Assert.Contains(completed.Document.Findings, f => f.Code == "weights-fit-failed" && f.Message.Contains(layer.NodeName));
        Assert.False(completed.SpectraPending);
        Assert.NotEqual(first.Document.ContentHash, completed.Document.ContentHash);
        Assert.Same(completed, analyzer.AnalyzeOnnx(path));
    }

    [Fact]
    public void FirstPhase_PowerIteration_IsALowerBoundOfTheExactSpectralNorm()
    {
        using var folder = new TempFolder();
        var path = TestModels.Mlp().Save(folder.File("mlp.onnx"));
        var exact = OnnxReader.Read(path).Report!.Layers;

        var estimated = OnnxReader.Read(path, FirstPhase with { SpectralNormSteps = 40 }).Report!.Layers;

        foreach (var (estimate, reference) in estimated.Zip(exact))
        {
            Assert.InRange(estimate.SpectralNorm!.Value, 0.97 * reference.SpectralNorm!.Value, reference.SpectralNorm.Value * (1 + 1e-6));
            Assert.Equal(PowerLawFitStatus.Pending, estimate.Fit.Status);
        }
    }

    private sealed class SynchronousProgress(Action<OnnxSpectraProgress> report) : IProgress<OnnxSpectraProgress>
    {
        public void Report(OnnxSpectraProgress value) => report(value);
    }
}
