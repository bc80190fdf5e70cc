using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Theory.Tests;

public sealed class TheoryEngineTests
{
    private static readonly InitSpec s_he = new KaimingInit(Uniform: false, Nonlinearity: "relu");

    [Fact]
    public void Analyze_DefaultInitReluMlpWithoutBias_ShrinksBySixPerLayer()
    {
        // THEORY.md §2 and §16 row 12: sigma_w^2 = 1/3, so q drops by 1/3 at the first layer and by 1/6 per ReLU layer.
        var report = TheoryEngine.Analyze(Graphs.Mlp(inputs: 64, width: 256, hiddenLayers: 9, ActivationKind.ReLU, hasBias: false));
        var weights = report.Layers.Where(l => l.Kind == "Linear").ToList();
        Assert.Equal(10, weights.Count);
        Assert.Equal(1.0 / 3, weights[0].QRatio!.Value, 12);
        Assert.All(weights.Skip(1), layer => Assert.Equal(1.0 / 6, layer.QRatio!.Value, 12));
        Assert.Equal(Math.Pow(6, -9) / 3, weights[^1].Q!.Value, 1e-18);
        Assert.Equal(1.0 / 6, report.Chi1!.Value, 12);
        Assert.Equal(1.0 / 6, report.LengthFactor!.Value, 12);
        Assert.Equal(Phase.Ordered, report.Phase);
        Assert.Equal(Math.Pow(6, -9), weights[0].CumulativeGradientGain!.Value, 1e-12);
        Assert.Contains(report.Caveats, c => c.Code == "signal-vanishes");
        Assert.Contains(report.Caveats, c => c.Code == "depth-beyond-trainable");
    }

    [Fact]
    public void Analyze_DefaultInitReluMlpWithBias_ReportsLengthFactorOneSixth()
    {
        var report = TheoryEngine.Analyze(Graphs.Mlp(inputs: 64, width: 256, hiddenLayers: 9, ActivationKind.ReLU));
        Assert.Equal(1.0 / 6, report.LengthFactor!.Value, 12);
        Assert.Equal(1.0 / 6, report.Chi1!.Value, 12);
        Assert.Equal(10, report.Depth);
        // The tiny default bias sets the floor q* = sigma_b^2 / (1 - 1/6) ≈ 0.4/n (THEORY.md §2).
        Assert.Equal(1.0 / (3 * 256) / (5.0 / 6), report.MeanField!.QStar, 12);
    }

    [Fact]
    public void Analyze_HeInitReluMlp_KeepsLengthAndIsCritical()
    {
        var report = TheoryEngine.Analyze(Graphs.Mlp(inputs: 64, width: 256, hiddenLayers: 9, ActivationKind.ReLU, s_he, new ConstantInit(0)));
        var weights = report.Layers.Where(l => l.Kind == "Linear").ToList();
        Assert.Equal(2.0, weights[0].QRatio!.Value, 12);
        Assert.All(weights.Skip(1), layer => Assert.Equal(1.0, layer.QRatio!.Value, 12));
        Assert.Equal(1.0, report.Chi1!.Value, 12);
        Assert.Equal(Phase.Critical, report.Phase);
        Assert.Equal(1.0, weights[0].CumulativeGradientGain!.Value, 12);
        Assert.True(double.IsPositiveInfinity(report.XiC!.Value));
        Assert.DoesNotContain(report.Caveats, c => c.Code is "signal-vanishes" or "depth-beyond-trainable");
    }

    [Fact]
    public void Analyze_ReluOffCriticalWithoutBias_FlagsDepthDespiteInfiniteXiC()
    {
        // THEORY.md §18: xi_c = ∞, but the length shrinks as (sigma_w^2/2)^l, so the trainable depth is finite.
        var graph = Graphs.Mlp(inputs: 100, width: 1000, hiddenLayers: 59, ActivationKind.ReLU, Graphs.FanIn(1.5), new ConstantInit(0));
        var report = TheoryEngine.Analyze(graph);
        Assert.True(double.IsPositiveInfinity(report.XiC!.Value));
        Assert.Equal(6 / Math.Abs(Math.Log(0.75)), report.TrainableDepth!.Value, 9);
        Assert.Contains(report.Caveats, c => c.Code == "depth-beyond-trainable");
    }

    [Fact]
    public void Analyze_TanhMlp_UsesMeanFieldPoint()
    {
        var graph = Graphs.Mlp(inputs: 500, width: 500, hiddenLayers: 4, ActivationKind.Tanh,
            Graphs.FanIn(1.0), new NormalInit(0, Math.Sqrt(0.05)));
        var report = TheoryEngine.Analyze(graph);
        Assert.NotNull(report.MeanField);
        Assert.InRange(report.Chi1!.Value, 0.759 * 0.99, 0.759 * 1.01);
        Assert.InRange(report.XiC!.Value, 3.63 * 0.99, 3.63 * 1.01);
        Assert.Equal(6 * report.XiC.Value, report.TrainableDepth!.Value, 12);
        var trainable = Assert.Single(report.Find("trainable-depth"));
        Assert.True(trainable.Regime.IsInside);
        Assert.Contains(Prediction.Assumption.InfiniteWidth, trainable.Assumptions);
    }

    [Fact]
    public void Analyze_Softmax_StopsPropagationWithReason()
    {
        var builder = new GraphBuilder("softmax", ModelOrigin.Synthetic, TensorShape.Of(10));
        builder.Then(new Linear(10, 32));
        var softmax = builder.Then(new Activation(ActivationKind.Softmax));
        builder.Then(new Linear(32, 4));
        var report = TheoryEngine.Analyze(builder.Build());
        Assert.Equal(softmax, report.StoppedAt);
        Assert.Contains("Softmax", report.StoppedReason);
        Assert.Null(report.Layers[^1].Q);
        Assert.Contains(report.Caveats, c => c.Code == "no-theory" && c.NodeIds.Contains(softmax));
        Assert.All(report.Predictions, p => Assert.False(double.IsNaN(p.Value)));
    }

    [Fact]
    public void Analyze_LayerNorm_RestoresUnitLengthAfterUnknownScale()
    {
        var builder = new GraphBuilder("ln", ModelOrigin.Synthetic, TensorShape.Of(16), inputSecondMoment: 9);
        builder.Then(new Linear(16, 64));
        var layerNorm = builder.Then(new LayerNorm([64]));
        builder.Then(new Activation(ActivationKind.ReLU));
        var report = TheoryEngine.Analyze(builder.Build());
        Assert.Equal(9.0 / 3 + 1.0 / (3 * 16), report.Layers[1].Q!.Value, 12);
        Assert.Equal(1.0, report.Layers[layerNorm].Q!.Value, 12);
        Assert.Equal(0.5, report.Layers[^1].Q!.Value, 12);
    }

    [Fact]
    public void Analyze_ResidualHeReluBlocks_GrowAsOnePlusAlphaSquared()
    {
        // THEORY.md §2: a He-init ReLU branch W phi(h) adds alpha^2 q, so q^L = q^0 (1 + alpha^2)^L.
        const int width = 128;
        var builder = new GraphBuilder("resnet", ModelOrigin.Synthetic, TensorShape.Of(width));
        var stream = builder.Then(new Linear(width, width, HasBias: false), weightInit: Graphs.FanIn(1.0));
        const int blocks = 5;
        for (var block = 0; block < blocks; block++)
        {
            builder.Add(new Activation(ActivationKind.ReLU), [stream]);
            var branch = builder.Then(new Linear(width, width, HasBias: false), weightInit: s_he);
            stream = builder.Add(new Add(BranchScale: 0.5), [stream, branch]);
        }
        var report = TheoryEngine.Analyze(builder.Build());
        Assert.Equal(Math.Pow(1.25, blocks), report.Layers[stream].Q!.Value, 12);
    }

    [Fact]
    public void Analyze_Dropout_ScalesLengthByOneOverKeep()
    {
        var builder = new GraphBuilder("dropout", ModelOrigin.Synthetic, TensorShape.Of(32));
        builder.Then(new Linear(32, 64, HasBias: false), weightInit: s_he);
        builder.Then(new Activation(ActivationKind.ReLU));
        var dropout = builder.Then(new Dropout(0.2));
        var report = TheoryEngine.Analyze(builder.Build());
        Assert.Equal(1.0 / 0.8, report.Layers[dropout].Q!.Value, 12);
        Assert.Contains(report.Caveats, c => c.Code == "dropout-breaks-criticality");
    }

    [Fact]
    public void Analyze_ForwardVariance_CarriesExperimentAndRegime()
    {
        var narrow = TheoryEngine.Analyze(Graphs.Mlp(inputs: 8, width: 16, hiddenLayers: 6, ActivationKind.Tanh));
        var prediction = narrow.Find("forward-variance").First();
        Assert.False(prediction.Regime.IsInside);
        Assert.Contains("sum 1/n_l", prediction.Regime.FailingAssumption);
        Assert.Equal("forward-stats", prediction.Experiment.Name);
        Assert.Contains(narrow.Caveats, c => c.Code == "finite-width");

        var wide = TheoryEngine.Analyze(Graphs.Mlp(inputs: 8, width: 1024, hiddenLayers: 3, ActivationKind.Tanh));
        var widePrediction = wide.Find("forward-variance").First();
        Assert.True(widePrediction.Regime.IsInside);
        Assert.Equal(0.05, widePrediction.Experiment.Tolerance.Relative);
    }
}
