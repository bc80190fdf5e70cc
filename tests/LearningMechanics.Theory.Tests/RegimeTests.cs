using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Theory.Tests;

/// <summary>
/// Every prediction states its assumptions, and one outside its regime names the assumption that fails (issue 5); the
/// BatchNorm warning rule (THEORY.md §4.2) and max pooling's "no theory: why".
/// </summary>
public sealed class RegimeTests
{
    private static readonly TrainingSetup Sgd = new(new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.01), null), new LossSpec(LossKind.Mse, LossReduction.Mean, null));

    private static ModelGraph Chain(string name, params Op[] ops)
    {
        var builder = new GraphBuilder(name, ModelOrigin.Synthetic, TensorShape.Of(64));
        foreach (var op in ops)
            builder.Then(op, weightInit: op is Linear ? new NormalInit(0, Math.Sqrt(2.0 / 64)) : null);
        return builder.Build(Sgd);
    }

    private static ModelGraph BatchNormMlp(int layers)
    {
        var ops = new List<Op>();
        for (var l = 0; l < layers; l++)
            ops.AddRange([new Linear(64, 64), new BatchNorm(0, 64), new Activation(ActivationKind.ReLU)]);
        ops.Add(new Linear(64, 1));
        return Chain("bn", [.. ops]);
    }

    private static ModelGraph Residual()
    {
        var builder = new GraphBuilder("res", ModelOrigin.Synthetic, TensorShape.Of(64));
        var trunk = builder.Then(new Linear(64, 64));
        for (var block = 0; block < 4; block++)
        {
            builder.Then(new Activation(ActivationKind.ReLU));
            var branch = builder.Then(new Linear(64, 64), weightInit: new KaimingInit(false));
            trunk = builder.Add(new Add(0.5), [trunk, branch]);
        }
        builder.Then(new Linear(64, 1));
        return builder.Build(Sgd);
    }

    public static TheoryData<string> Models => new() { "plain", "narrow-deep", "batchnorm", "residual", "dropout", "layernorm" };

    private static ModelGraph Model(string name) => name switch
    {
        "plain" => Graphs.Mlp(32, 512, 3, ActivationKind.Tanh) with { Training = Sgd },
        "narrow-deep" => Graphs.Mlp(8, 16, 12, ActivationKind.ReLU) with { Training = Sgd },
        "batchnorm" => BatchNormMlp(6),
        "residual" => Residual(),
        "dropout" => Chain("dropout", new Linear(64, 256), new Activation(ActivationKind.Tanh), new Dropout(0.2), new Linear(256, 256), new Activation(ActivationKind.Tanh), new Linear(256, 1)),
        _ => Chain("ln", new Linear(64, 256), new LayerNorm([256]), new Activation(ActivationKind.GELU), new Linear(256, 256), new Activation(ActivationKind.GELU), new Linear(256, 1)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryPrediction_StatesAssumptions_AndOutsideItsRegimeWhichFails(string name)
    {
        var graph = Model(name);
        var report = TheoryEngine.Analyze(graph);
        var limits = LearningRateLimits.For(graph, report, sampleCount: 16);
        var all = report.Predictions.AddRange(limits.Predictions);
        Assert.NotEmpty(all);
        foreach (var prediction in all)
        {
            Assert.False(prediction.Assumptions.IsDefaultOrEmpty, $"{prediction.Id} has no assumptions");
            Assert.True(double.IsFinite(prediction.Value) || double.IsPositiveInfinity(prediction.Value), $"{prediction.Id} = {prediction.Value}");
            if (!prediction.Regime.IsInside)
                Assert.False(string.IsNullOrWhiteSpace(prediction.Regime.FailingAssumption), $"{prediction.Id} is outside its regime without saying why");
            Assert.False(string.IsNullOrWhiteSpace(prediction.Experiment.Tolerance.Description));
        }
    }

    [Fact]
    public void OutsideRegime_NamesTheFailingAssumption()
    {
        var narrow = TheoryEngine.Analyze(Model("narrow-deep"));
        Assert.Contains(narrow.Predictions, p => !p.Regime.IsInside && p.Regime.FailingAssumption!.Contains("finite width"));
        var residual = TheoryEngine.Analyze(Model("residual"));
        Assert.Contains(residual.Predictions, p => p.Id == "residual-gradient-gain" && p.Regime.IsInside);
        Assert.All(residual.Predictions.Where(p => p.Id is "chi1" or "xi-c" or "trainable-depth" or "gradient-gain"), p =>
            Assert.Contains("residual", p.Regime.FailingAssumption));
        var dropout = TheoryEngine.Analyze(Model("dropout"));
        Assert.Contains(dropout.Predictions, p => !p.Regime.IsInside && p.Regime.FailingAssumption!.Contains("dropout"));
    }

    [Fact]
    public void BatchNorm_WarnsOfGradientExplosion_WithoutResiduals()
    {
        // THEORY.md §4.2 (Yang et al. 2019 [V abstract]): deep BN without skips, gradients grow exponentially with depth.
        var report = TheoryEngine.Analyze(BatchNormMlp(6));
        var caveat = Assert.Single(report.Caveats, c => c.Code == "batchnorm-gradient-explosion");
        Assert.Equal(6, caveat.NodeIds.Length);
        Assert.All(report.Predictions.Where(p => p.Id is "chi1" or "trainable-depth" or "gradient-gain"), p =>
            Assert.Contains("BatchNorm", p.Regime.FailingAssumption));
        // Forward: BN normalises the batch-mean length to 1 whatever came before (THEORY.md §2).
        var bnIds = report.Layers.Where(l => l.Kind.StartsWith("BatchNorm", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bnIds);
        Assert.All(bnIds, l => Assert.Equal(1.0, l.Q!.Value, 1e-9));
    }

    [Fact]
    public void MaxPool_HasNoTheory_AndSaysWhy()
    {
        var builder = new GraphBuilder("cnn", ModelOrigin.Synthetic, TensorShape.Of(3, 8, 8));
        builder.Then(Conv.Uniform(2, 3, 16, 3, padding: 1));
        builder.Then(new Activation(ActivationKind.ReLU));
        var pool = builder.Then(new Pool(PoolKind.Max, 2, [2, 2], [2, 2], [0, 0]));
        builder.Then(new Flatten());
        builder.Then(new Linear(16 * 4 * 4, 10));
        var report = TheoryEngine.Analyze(builder.Build());
        var caveat = Assert.Single(report.Caveats, c => c.Code == "no-theory");
        Assert.Contains(pool, caveat.NodeIds);
        Assert.Contains("max pooling is an order statistic", caveat.Message);
        Assert.Null(report.Layers[pool].Q);
        Assert.NotNull(report.Layers[pool - 1].Q); // up to the pool the theory holds
    }
}
