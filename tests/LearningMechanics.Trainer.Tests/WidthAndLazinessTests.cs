using System.Collections.Immutable;
using System.Globalization;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Trainer.Tests;

/// <summary>Width sweeps (GraphWidths, the coord check of THEORY.md §9.1) and the lazy-vs-rich measurements of §9.2.</summary>
[Trait("Category", "Trainer")]
public sealed class WidthAndLazinessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lmech-lazy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void GraphWidths_ScalesHiddenWidthsOnly_AndResizesWhatFollows()
    {
        var builder = new GraphBuilder("cnn", ModelOrigin.Synthetic, TensorShape.Of(3, 8, 8));
        builder.Then(Conv.Uniform(2, 3, 16, kernel: 3, padding: 1));
        builder.Then(new BatchNorm(2, 16));
        builder.Then(new Activation(ActivationKind.ReLU));
        builder.Then(new Flatten());
        builder.Then(new Linear(16 * 8 * 8, 32));
        builder.Then(new Activation(ActivationKind.ReLU));
        builder.Then(new Linear(32, 10));
        var (scaled, error) = GraphWidths.Scale(builder.Build(), 2);
        Assert.Null(error);
        var ops = scaled!.Nodes.Select(n => n.Op).ToArray();
        Assert.Equal((3L, 32L), (((Conv)ops[1]).InChannels, ((Conv)ops[1]).OutChannels));
        Assert.Equal(32, ((BatchNorm)ops[2]).NumFeatures);
        Assert.Equal((32L * 8 * 8, 64L), (((Linear)ops[5]).InFeatures, ((Linear)ops[5]).OutFeatures));
        Assert.Equal((64L, 10L), (((Linear)ops[7]).InFeatures, ((Linear)ops[7]).OutFeatures));
        Assert.Empty(scaled.InferShapes().Findings);

        var measured = builder.Build();
        measured = measured with { Nodes = measured.Nodes.SetItem(1, measured.Nodes[1] with { WeightInit = new MeasuredInit(0, 0.1, 432) }) };
        Assert.Contains("stored weights", GraphWidths.Scale(measured, 2).Error);
    }

    /// <summary>
    /// THEORY.md §9.1 / §16 row 27 [C], recipe A10: inputs R^16, 64 samples, 2 hidden ReLU layers, PyTorch's default init,
    /// one global Adam lr 1e-2, 3 steps, widths 64…2048: SP slope +1.00 for the 2nd hidden pre-activation, 0 at init.
    /// </summary>
    [Fact]
    public async Task CoordCheck_StandardParameterizationWithAdam_SlopeIsOne()
    {
        var graph = TwoHiddenLayerMlp(width: 128, inputs: 16) with
        {
            Training = new TrainingSetup(Optimizer: new OptimizerSpec(OptimizerKind.Adam, Fact<double>.Known(1e-2, null), null)),
        };
        var request = new ExperimentRequest(ExperimentKinds.CoordCheck, BatchSize: 64, Steps: 3,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("min-multiplier", 0.5).Add("max-multiplier", 16).Add("points", 6),
            Predictions: [new PredictedValue("coord-slope", 1.0, 0, AbsoluteTolerance: 0.2)]);
        var result = (await Trainer.ResultAsync(Graphs.Job(graph, request))).Results[0];
        Assert.Equal([64.0, 128, 256, 512, 1024, 2048], result.Series!["width"].Select(Math.Round));
        Assert.InRange(result.Scalars["coord-slope"], 0.8, 1.2);
        Assert.InRange(result.Scalars["coord-slope-init"], -0.15, 0.15);
        Assert.Equal(VerdictOutcome.Confirmed, result.Verdicts.Single().Outcome);
    }

    /// <summary>
    /// A linear model's NTK does not depend on its parameters: the kernel distance is 0 however far the weights move, and
    /// the weight change is that of GD on least squares, replayed here in double precision from the same constant init.
    /// </summary>
    [Fact]
    public async Task LazyRich_LinearModel_KernelFrozen_WeightChangeAsGradientDescent()
    {
        const int n = 32, d = 4, steps = 40;
        const double lr = 0.05;
        var random = new Random(3);
        var x = Enumerable.Range(0, n * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 2 * x[i * d] - x[i * d + 3] + 0.5).ToArray();
        var csv = Path.Combine(_folder, "t.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, n).Select(i =>
            string.Join(",", Enumerable.Range(0, d).Select(j => x[i * d + j].ToString("R", CultureInfo.InvariantCulture))) + "," + y[i].ToString("R", CultureInfo.InvariantCulture)));
        var builder = new GraphBuilder("linear", ModelOrigin.Synthetic, TensorShape.Of(d));
        builder.Then(new Linear(d, 1), weightInit: new ConstantInit(0.1), biasInit: new ConstantInit(0));
        var request = new ExperimentRequest(ExperimentKinds.LazyRich, BatchSize: n, Steps: steps,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("lr", lr).Add("optimizer", 0).Add("ntk-samples", 8));
        var job = Graphs.Job(builder.Build(), request) with { Data = new DataSpec("csv", csv, Standardize: false) };
        var result = (await Trainer.ResultAsync(job)).Results[0];

        // GD on L = (1/n) sum (w.x + b - y)^2 from w = 0.1, b = 0.
        var w = Enumerable.Repeat(0.1, d).ToArray();
        var b = 0.0;
        for (var step = 0; step < steps; step++)
        {
            var gw = new double[d];
            var gb = 0.0;
            for (var i = 0; i < n; i++)
            {
                var r = Enumerable.Range(0, d).Sum(j => w[j] * x[i * d + j]) + b - y[i];
                for (var j = 0; j < d; j++)
                    gw[j] += 2 * r * x[i * d + j] / n;
                gb += 2 * r / n;
            }
            for (var j = 0; j < d; j++)
                w[j] -= lr * gw[j];
            b -= lr * gb;
        }
        var expected = Math.Sqrt(w.Sum(v => (v - 0.1) * (v - 0.1)) + b * b) / Math.Sqrt(d * 0.01);
        Assert.True(Math.Abs(result.Scalars["relative-weight-change"] / expected - 1) < 1e-3,
            $"measured {result.Scalars["relative-weight-change"]:G6}, replayed {expected:G6}");
        Assert.InRange(result.Scalars["kernel-distance"], -1e-6, 1e-6);
    }

    /// <summary>
    /// THEORY.md §9.2 with the rate scaled as 1/width (eta times the SP NTK, which grows like width, stays fixed: the NTK
    /// parameterization's dynamics). The hidden layer's ΔW has O(1) Frobenius norm and low rank, ||W||_F ∝ width and
    /// ||W||_2 ∝ sqrt(width) [D]: x16 in width gives x1/16 in Frobenius and x1/4 in spectral relative change.
    /// (At one fixed rate for all widths the wide SP net moves most: it sits far closer to its stability limit.)
    /// </summary>
    [Fact]
    public async Task LazyRich_WiderReluMlp_MovesRelativelyLess()
    {
        ExperimentRequest Request(int width) => new(ExperimentKinds.LazyRich, BatchSize: 64, Steps: 30,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("lr", 0.64 / width).Add("optimizer", 0).Add("ntk-samples", 16));
        var narrow = (await Trainer.ResultAsync(Graphs.Job(TwoHiddenLayerMlp(64, init: new KaimingInit(false, Nonlinearity: "relu")), Request(64)))).Results[0];
        var wide = (await Trainer.ResultAsync(Graphs.Job(TwoHiddenLayerMlp(1024, init: new KaimingInit(false, Nonlinearity: "relu")), Request(1024)))).Results[0];
        var ratio = wide.Scalars["relative-weight-change"] / narrow.Scalars["relative-weight-change"];
        Assert.True(ratio is > 0.045 and < 0.085,
            $"width 64: {narrow.Scalars["relative-weight-change"]:G3}, width 1024: {wide.Scalars["relative-weight-change"]:G3}, ratio {ratio:G3} (1/width: 0.0625)");
        var spectral = wide.Series!["layer-spectral-change"][1] / narrow.Series!["layer-spectral-change"][1];
        Assert.True(spectral is > 0.18 and < 0.35, $"hidden layer spectral ratio {spectral:G3} (width^-1/2: 0.25)");
        Assert.True(wide.Scalars["kernel-distance"] < narrow.Scalars["kernel-distance"],
            $"kernel distance width 64: {narrow.Scalars["kernel-distance"]:G3}, width 1024: {wide.Scalars["kernel-distance"]:G3}");
    }

    private static ModelGraph TwoHiddenLayerMlp(int width, int inputs = 32, InitSpec? init = null)
    {
        var builder = new GraphBuilder($"mlp-{width}", ModelOrigin.Synthetic, TensorShape.Of(inputs));
        builder.Then(new Linear(inputs, width), weightInit: init);
        builder.Then(new Activation(ActivationKind.ReLU));
        builder.Then(new Linear(width, width), weightInit: init);
        builder.Then(new Activation(ActivationKind.ReLU));
        builder.Then(new Linear(width, 1), weightInit: init);
        return builder.Build();
    }
}
