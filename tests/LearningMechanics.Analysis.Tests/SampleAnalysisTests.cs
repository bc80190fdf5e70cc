using LearningMechanics.Analysis;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Tests;

/// <summary>The bundled samples through the same facade the server and CLI use.</summary>
public sealed class SampleAnalysisTests
{
    private static readonly Analyzer s_analyzer = new();

    private static DocumentAnalysis Sample(string name) => s_analyzer.AnalyzeFile(Path.Combine(Samples.Folder, name));

    private static (int Line, int Character) Find(DocumentAnalysis analysis, string needle)
    {
        var lines = File.ReadAllLines(analysis.Path);
        var line = Array.FindIndex(lines, l => l.Contains(needle, StringComparison.Ordinal));
        Assert.True(line >= 0, $"'{needle}' not in {analysis.Path}");
        return (line, lines[line].IndexOf(needle, StringComparison.Ordinal));
    }

    [Fact]
    public void Mlp3_HoverOnFirstLinear_ShowsExactParametersAndDefaultInit()
    {
        var analysis = Sample("Mlp3.cs");
        var (line, character) = Find(analysis, "Linear(784, 128)");
        var hover = Hovers.At(analysis, line, character + 2);
        Assert.NotNull(hover);
        Assert.Contains("100,480", hover.Markdown);
        Assert.Contains("σw² = 0.333", hover.Markdown);
        var model = Assert.Single(analysis.Models);
        Assert.Equal(784L * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, model.Summary.Parameters);
    }

    [Fact]
    public void DeepReluDefaultInit_WarnsVanishingSignalOneSixthPerLayer()
    {
        var analysis = Sample("DeepReluDefaultInit.cs");
        var model = Assert.Single(analysis.Models);
        Assert.Equal(1.0 / 6, model.Summary.SignalFactorPerLayer!.Value, 6);
        var warning = Assert.Single(analysis.Findings, f => f.Code == "vanishing-signal");
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("×1/6.0 per layer", warning.Message);
    }

    [Fact]
    public void DeepReluHeInit_IsCriticalWithoutSignalWarning()
    {
        var analysis = Sample("DeepReluHeInit.cs");
        var model = Assert.Single(analysis.Models);
        Assert.Equal(1.0, model.Summary.Chi1!.Value, 6);
        Assert.DoesNotContain(analysis.Findings, f => f.Code is "vanishing-signal" or "exploding-signal");
    }

    [Fact]
    public void DeepTanh_IsDeeperThanItsTrainableDepth()
    {
        var analysis = Sample("DeepTanh.cs");
        var model = Assert.Single(analysis.Models);
        Assert.Equal(30, model.Summary.Depth);
        Assert.True(model.Summary.TrainableDepth < 30);
        Assert.Contains(analysis.Findings, f => f.Code == "depth-beyond-trainable");
    }

    [Fact]
    public void ShapeMismatch_IsAnErrorAtTheLinearThatReceivesTheWrongWidth()
    {
        var analysis = Sample("ShapeMismatch.cs");
        var error = Assert.Single(analysis.Findings, f => f.Code == "shape-mismatch");
        Assert.Equal(Severity.Error, error.Severity);
        Assert.Equal(Find(analysis, "Linear(128, 10)").Line, error.Span!.Value.StartLine);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void LrInLocal_OptimizerHoverShowsTheRateFromTheLocal()
    {
        var analysis = Sample("LrInLocal.cs");
        var model = Assert.Single(analysis.Models, m => m.Summary.LearningRate is not null);
        var lr = model.Summary.LearningRate!;
        Assert.True(lr.Declared.IsKnown);
        Assert.Equal(0.05, lr.Declared.Value);
        var hover = Hovers.At(analysis, lr.Span!.Value.StartLine, lr.Span.Value.StartCharacter);
        Assert.NotNull(hover);
        Assert.Contains("0.05", hover.Markdown);
        Assert.Contains("MSE", hover.Markdown);
        var (line, character) = Find(analysis, "torch.optim.SGD");
        var callHover = Hovers.At(analysis, line, character + "torch.optim.".Length + 1);
        Assert.NotNull(callHover);
        Assert.Contains("monotone below", callHover.Markdown);
        // The init-to-init spread of the limit at the model's widths, drawn by the engine (InitSpread).
        Assert.NotNull(lr.InitSpread);
        Assert.Contains($"varies by ±{lr.InitSpread.Value:P0} (1 sd) from one initialisation to the next", callHover.Markdown);
        // Heavy-ball momentum: the early drift is simulated for plain GD only, so the linear-stability limit is not corrected.
        Assert.Null(lr.EarlyDrift);
        Assert.DoesNotContain("over the first 5 steps", callHover.Markdown);
    }

    [Fact]
    public void LrInLocal_WithoutMomentum_TheLimitIsCorrectedByTheEarlyDriftAndTheHoverSaysSo()
    {
        var text = File.ReadAllText(Path.Combine(Samples.Folder, "LrInLocal.cs")).Replace(", momentum: 0.9", "");
        var path = Path.Combine(Path.GetTempPath(), $"LrInLocal-sgd-{Environment.ProcessId}.cs");
        File.WriteAllText(path, text);
        var analysis = s_analyzer.AnalyzeFile(path);
        var (line, character) = Find(analysis, "torch.optim.SGD");
        File.Delete(path);
        var lr = Assert.Single(analysis.Models, m => m.Summary.LearningRate is not null).Summary.LearningRate!;
        // Plain SGD on MSE with one output: lambda_max's drift over the first steps at these widths (SharpnessDrift).
        Assert.NotNull(lr.EarlyDrift);
        Assert.InRange(lr.EarlyDrift.Value, 0.8, 1.25);
        var hover = Hovers.At(analysis, line, character + "torch.optim.".Length + 1)!;
        Assert.Contains($"over the first {Theory.Learning.SharpnessDrift.TransientSteps} steps at the limit at these widths", hover.Markdown);
        Assert.Contains("early drift", string.Join(" ", lr.Assumptions));
    }

    [Fact]
    public void Lenses_SummaryAndValidateAboveEachModel()
    {
        var analysis = Sample("Mlp3.cs");
        var lenses = Lenses.For(analysis, _ => null);
        Assert.Contains(lenses, l => l.Title.Contains("109,386 params") && l.Command is null);
        Assert.Contains(lenses, l => l.Command == Lenses.ValidateCommand && l.ModelName == "model");
        // Mlp3's rate lens is out of regime (rich over the check window: measured limit 0.23x); its tooltip says why.
        var rate = Assert.Single(lenses, l => l.Title.Contains("stable below", StringComparison.Ordinal));
        Assert.EndsWith("· out of regime", rate.Title, StringComparison.Ordinal);
        Assert.StartsWith("Out of regime: rich over the check window", rate.Tooltip, StringComparison.Ordinal);
    }
}

internal static class Samples
{
    public static string Folder { get; } = FindSamples();

    private static string FindSamples()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "samples")))
            directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("samples/ not found"), "samples");
    }
}

public sealed class ParameterCountHonestyTests
{
    [Fact]
    public void RawParameterField_MakesTheCountALowerBoundWithAWarning()
    {
        const string source = """
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;
            using static TorchSharp.torch.nn;

            public sealed class Scaled : Module<Tensor, Tensor>
            {
                private readonly Linear fc = Linear(16, 8);
                private readonly Parameter scale = new Parameter(torch.ones(8));

                public Scaled() : base(nameof(Scaled)) { RegisterComponents(); }

                public override Tensor forward(Tensor x) => fc.forward(x) * scale;
            }
            """;
        var analysis = new Analyzer().Analyze("/virtual/Scaled.cs", source);
        var model = Assert.Single(analysis.Models);
        Assert.Equal(16 * 8 + 8, model.Summary.Parameters);
        Assert.False(model.Summary.ParametersExact);
        var warning = Assert.Single(analysis.Findings, f => f.Code == "parameter-not-counted");
        Assert.Contains("Scaled.scale", warning.Message);
    }

    [Fact]
    public void ModelWithoutRawParameters_CountIsExact()
    {
        var analysis = new Analyzer().Analyze("/virtual/Plain.cs", "using static TorchSharp.torch.nn;\nvar model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2));\n");
        var model = Assert.Single(analysis.Models);
        Assert.True(model.Summary.ParametersExact);
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, model.Summary.Parameters);
    }
}

public sealed class TheoryReuseTests
{
    private const string Source = "using static TorchSharp.torch.nn;\nvar model = Sequential(Linear(64, 256), Tanh(), Linear(256, 1));\nvar opt = TorchSharp.torch.optim.SGD(model.parameters(), 0.1);\n";

    [Fact]
    public void Analyze_EditOutsideTheModel_ReusesTheTheoryButMovesTheSpans()
    {
        var analyzer = new Analyzer();
        var before = Assert.Single(analyzer.Analyze("/virtual/Reuse.cs", Source).Models);
        var after = Assert.Single(analyzer.Analyze("/virtual/Reuse.cs", "// a comment added above\n" + Source).Models);
        Assert.True(before.Predictions == after.Predictions, "the theory of an unchanged model must be reused, not recomputed");
        Assert.Equal(before.Layers[1].Span!.Value.StartLine + 1, after.Layers[1].Span!.Value.StartLine);
    }

    [Fact]
    public void Analyze_ChangedLayer_RecomputesTheTheory()
    {
        var analyzer = new Analyzer();
        var before = Assert.Single(analyzer.Analyze("/virtual/Reuse.cs", Source).Models);
        var after = Assert.Single(analyzer.Analyze("/virtual/Reuse.cs", Source.Replace("Linear(64, 256), Tanh(), Linear(256, 1)", "Linear(64, 128), Tanh(), Linear(128, 1)")).Models);
        Assert.False(before.Predictions == after.Predictions);
        Assert.NotEqual(before.Summary.Parameters, after.Summary.Parameters);
    }
}
