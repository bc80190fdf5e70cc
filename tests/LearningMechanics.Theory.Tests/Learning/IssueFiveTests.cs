using System.Text.Json;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;
using LearningMechanics.Theory.Scaling;

namespace LearningMechanics.Theory.Tests.Learning;

/// <summary>The remaining issue-5 predictions: THEORY.md §4.1, §5, §7.2, §9, §11, §12 identities and rows 15, 27, 35, 38.</summary>
public sealed class IssueFiveTests
{
    [Theory]
    [InlineData(false, 16, 16.0)]
    [InlineData(true, 16, 0.0)]
    public void JacobianSpectrum_Linear_MatchesRow15(bool orthogonal, int depth, double expected) =>
        // Row 15 [U formula, C check]: linear Gaussian L, linear orthogonal 0.
        Assert.Equal(expected, JacobianSpectrum.Variance(AbReluRule.Identity, 1, depth, orthogonal)!.Value, 12);

    [Theory]
    [InlineData(false, 8, 16.0)]
    [InlineData(true, 8, 8.0)]
    [InlineData(false, 4, 8.0)]
    [InlineData(true, 4, 4.0)]
    public void JacobianSpectrum_Relu_MatchesRow15(bool orthogonal, int depth, double expected) =>
        // Row 15: ReLU Gaussian 2L, orthogonal L (the [C] simulations gave 16.6, 6.8–9.0, 7.4–8.1, 4.1–4.3).
        Assert.Equal(expected, JacobianSpectrum.Variance(AbReluRule.Relu, 1, depth, orthogonal)!.Value, 12);

    [Fact]
    public void JacobianSpectrum_TanhNearZeroLength_ApproachesIsometryWithOrthogonalWeights()
    {
        // §5: mu_2/mu_1^2 -> 1 as q* -> 0, so orthogonal tanh nets approach isometry.
        Assert.InRange(JacobianSpectrum.Variance(Activations.Tanh, 1e-4, 100, orthogonal: true)!.Value, 0, 0.1);
        Assert.True(JacobianSpectrum.Variance(Activations.Tanh, 0.57, 100, orthogonal: true) > 1);
    }

    [Fact]
    public void Analyze_CriticalReluMlp_PredictsJacobianSpread()
    {
        var graph = Graphs.Mlp(64, 1024, 8, ActivationKind.ReLU, Graphs.FanIn(2), new ConstantInit(0));
        var prediction = Assert.Single(TheoryEngine.Analyze(graph).Find("jacobian-spectrum-variance"));
        Assert.Equal(16, prediction.Value, 12);
    }

    [Fact]
    public void Analyze_Correlation_FollowsReluCMapAndDecaysTowardsOne()
    {
        // §3: critical ReLU, unit q: c_{l+1} = [sqrt(1-c^2) + (pi - arccos c) c]/pi, from c^0 = 0.5.
        var graph = Graphs.Mlp(64, 1024, 6, ActivationKind.ReLU, Graphs.FanIn(2), hasBias: false);
        var correlations = TheoryEngine.Analyze(graph).Find("correlation").Select(p => p.Value).ToList();
        var c = 0.5;
        Assert.Equal(c, correlations[0], 12);
        for (var layer = 1; layer < correlations.Count; layer++)
        {
            c = (Math.Sqrt(1 - c * c) + (Math.PI - Math.Acos(c)) * c) / Math.PI;
            Assert.Equal(c, correlations[layer], 10);
        }
    }

    [Fact]
    public void Analyze_ResidualReluBranch_GradientGainIsOnePlusAlphaSquaredChi()
    {
        // §4.1: He ReLU branch, chi_branch = 2 · 1/2 = 1, alpha = 0.5 -> 1.25 per block.
        const int width = 128;
        var builder = new GraphBuilder("res", ModelOrigin.Synthetic, TensorShape.Of(width));
        var stream = builder.Then(new Linear(width, width, HasBias: false), weightInit: Graphs.FanIn(1.0));
        builder.Add(new Activation(ActivationKind.ReLU), [stream]);
        var branch = builder.Then(new Linear(width, width, HasBias: false), weightInit: Graphs.FanIn(2.0));
        builder.Add(new Add(BranchScale: 0.5), [stream, branch]);
        var gain = Assert.Single(TheoryEngine.Analyze(builder.Build()).Find("residual-gradient-gain"));
        Assert.Equal(1.25, gain.Value, 12);
    }

    [Fact]
    public void LayerNorm_CentersReluCommonMode()
    {
        // §2 [D]: orthogonal inputs have correlation 1/pi after ReLU and 0 again after a centred LayerNorm.
        var builder = new GraphBuilder("ln", ModelOrigin.Synthetic, TensorShape.Of(64));
        builder.Then(new Linear(64, 256, HasBias: false), weightInit: Graphs.FanIn(1.0));
        var relu = builder.Then(new Activation(ActivationKind.ReLU));
        var norm = builder.Then(new LayerNorm([256], ElementwiseAffine: false));
        var states = KernelPropagation.Run(builder.Build(), KernelMatrix.Pair(1, 1, 0), Parameterization.Ntk);
        Assert.Equal(1 / Math.PI, states[relu].Kernel!.Sigma(0, 1) / states[relu].Kernel!.Q(0), 12);
        Assert.Equal(0, states[norm].Kernel!.Sigma(0, 1), 12);
        Assert.Equal(1, states[norm].Kernel!.Q(0), 12);
    }

    [Fact]
    public void GroupNormAndAvgPool_HaveRules()
    {
        var builder = new GraphBuilder("cnn", ModelOrigin.Synthetic, TensorShape.Of(3, 8, 8));
        builder.Then(Conv.Uniform(2, 3, 16, 3, padding: 1, hasBias: false), weightInit: Graphs.FanIn(2.0));
        builder.Then(new GroupNorm(4, 16, Affine: false));
        builder.Then(new Activation(ActivationKind.ReLU));
        var pool = builder.Then(new Pool(PoolKind.AdaptiveAvg, 2, [], [], [], [1, 1]));
        var report = TheoryEngine.Analyze(builder.Build());
        Assert.Null(report.StoppedAt);
        // ReLU of a unit-length Gaussian: m^2 = 1/(2 pi), q = 1/2; pooled over 64 positions: m^2 + (q - m^2)/64.
        var m2 = 1 / (2 * Math.PI);
        Assert.Equal(m2 + (0.5 - m2) / 64, report.Layers[pool].Q!.Value, 12);
    }

    [Fact]
    public void CrossEntropyFlow_StartsAtLnKAndMatchesScalarOde()
    {
        // §7.2: with Theta = lambda I the examples decouple; one example, K = 2, f = (z, -z)... compare RK4 with fine Euler.
        var theta = new double[,] { { 2.0, 0 }, { 0, 2.0 } };
        var f0 = new double[2, 3];
        int[] labels = [0, 2];
        var curve = CrossEntropyDynamics.GradientFlow(theta, f0, labels, [0, 0.5, 2, 8]);
        Assert.Equal(Math.Log(3), curve[0], 12);
        Assert.True(curve[1] < curve[0] && curve[2] < curve[1] && curve[3] < curve[2]);
        // Fine Euler reference of df/dtau = -(lambda/n)(p - y) for example 0.
        var f = new double[3];
        const double dt = 1e-5;
        for (var t = 0; t < 200000; t++)
        {
            var exp = f.Select(Math.Exp).ToArray();
            var sum = exp.Sum();
            for (var a = 0; a < 3; a++)
                f[a] -= dt * 2.0 / 2 * (exp[a] / sum - (a == 0 ? 1 : 0));
        }
        var lossAt2 = Math.Log(f.Sum(Math.Exp)) - f[0];
        Assert.Equal(lossAt2, curve[2], 1e-4); // Euler with dt = 1e-5 is itself off by ~3e-5.
    }

    [Fact]
    public void NoiseScale_HyperbolaAndTwoBatchEstimator()
    {
        // Row 38 [V]: (S/S_min - 1)(E/E_min - 1) = 1 with S, E from B_noise; two-batch estimator exact on E|G_B|^2.
        foreach (var batch in new[] { 4.0, 64, 1000 })
        {
            var s = NoiseScale.Steps(100, 250, batch);
            var e = NoiseScale.Examples(25000, 250, batch);
            Assert.Equal(1, (s / 100 - 1) * (e / 25000 - 1), 12);
        }
        const double g2 = 3.0, trace = 40.0;
        var (gradient, traceSigma) = NoiseScale.TwoBatch(g2 + trace / 8, 8, g2 + trace / 512, 512);
        Assert.Equal(g2, gradient, 12);
        Assert.Equal(trace, traceSigma, 9);
        Assert.Equal(trace / g2, NoiseScale.Simple(traceSigma, gradient), 9);
        Assert.Equal(2e-3, NoiseScale.ScaledRate(1e-3, 64, 256, OptimizerForm.Adaptive), 15);
    }

    [Fact]
    public void ScalingLawFit_RecoversOffsetPowerLawAndExtrapolates()
    {
        // §12 CPU check: fit E + A N^-a on small N, predict the largest held out within 10% (here exact data: 1e-6).
        double Law(double n) => 1.7 + 400 * Math.Pow(n, -0.34);
        double[] scales = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5];
        var fit = ScalingLawFit.Fit(scales, scales.Select(Law).ToArray());
        Assert.Equal(1.7, fit.E, 4);
        Assert.Equal(0.34, fit.Alpha, 4);
        Assert.Equal(Law(1e7), fit.Loss(1e7), 1e-4 * Law(1e7));
        var pure = ScalingLawFit.FitPure(scales, scales.Select(n => 5 * Math.Pow(n, -0.5)).ToArray());
        Assert.Equal(0.5, pure.Alpha, 12);
    }

    [Fact]
    public void Chinchilla_ComputeOptimalIsTheMinimumAlongTheBudget()
    {
        // Row 35 arithmetic, checked as an optimum rather than against quoted numbers.
        foreach (var law in new[] { ScalingLaws.Hoffmann, ScalingLaws.Epoch })
        {
            const double flops = 5.76e23;
            var (n, d) = law.ComputeOptimal(flops);
            Assert.Equal(flops, 6 * n * d, 1e-6 * flops);
            var best = law.Loss(n, d);
            Assert.True(law.Loss(n * 1.1, d / 1.1) > best && law.Loss(n / 1.1, d * 1.1) > best);
        }
        Assert.InRange(ScalingLaws.Epoch.ComputeOptimal(5.76e23).Tokens / ScalingLaws.Epoch.ComputeOptimal(5.76e23).Parameters, 17, 19);
    }

    [Fact]
    public void WidthScaling_DefaultInitIsSp_AndAdamImpliesSlopeOne()
    {
        // Row 27: SP (PyTorch default init, one global Adam rate) has coord-check slope +1.00.
        var graph = Graphs.Mlp(16, 256, 2, ActivationKind.ReLU) with
        {
            Training = new TrainingSetup(new OptimizerSpec(OptimizerKind.Adam, Fact<double>.Known(1e-2), null)),
        };
        var layers = WidthScaling.Detect(graph);
        Assert.Equal([LayerRole.Input, LayerRole.Hidden, LayerRole.Output], layers.Select(l => l.Role));
        Assert.Equal("SP", WidthScaling.ModelParameterization(layers));
        Assert.Equal(1.0, Assert.Single(TheoryEngine.Analyze(graph).Find("coord-check-slope")).Value);
        Assert.Equal(0.0, WidthScaling.CoordCheckSlope(OptimizerForm.Adaptive, muPRates: true));

        // A readout with Var = 1/fan_in^2 reads as muP.
        var muP = Graphs.Mlp(16, 256, 2, ActivationKind.ReLU);
        var readout = muP.Nodes[^1];
        var nodes = muP.Nodes.SetItem(readout.Id, readout with { WeightInit = new NormalInit(0, 1.0 / 256) });
        Assert.Equal("muP readout, global rate", WidthScaling.ModelParameterization(WidthScaling.Detect(muP with { Nodes = nodes })));
    }

    [Fact]
    public void LazyRich_InfiniteTimeWeightChangeIsMinimumNormSolution()
    {
        // §9.2 [D]: as tau -> inf, ||Δθ||^2 = r_0^T Theta^{-1} r_0 (gradient flow on a linear model).
        double[] lambda = [4, 1, 0.25];
        double[] power = [1, 2, 3];
        var expected = Math.Sqrt(1 / 4.0 + 2 / 1.0 + 3 / 0.25);
        Assert.Equal(expected, LazyRich.WeightChange(lambda, power, m: 3, tau: 1e6, LossConvention.HalfMseMean), 12);
        Assert.Equal(0, LazyRich.WeightChange(lambda, power, m: 3, tau: 0, LossConvention.HalfMseMean));
    }

    [Fact]
    public void Predictions_SerialiseToJsonWithoutNaN()
    {
        // The CLI's `lmech check --format json` serialises the predictions: every one must be a finite or infinite
        // number (never NaN) and round-trip through System.Text.Json with the CLI's options.
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        };
        var graphs = new[]
        {
            Graphs.Mlp(16, 256, 4, ActivationKind.Tanh),
            Graphs.Mlp(16, 256, 4, ActivationKind.ReLU, Graphs.FanIn(2), new ConstantInit(0)),
            Graphs.Mlp(8, 16, 6, ActivationKind.GELU),
        };
        foreach (var graph in graphs)
        {
            var report = TheoryEngine.Analyze(graph);
            var limits = LearningRateLimits.For(graph, report);
            foreach (var prediction in report.Predictions.Concat(limits.Predictions))
            {
                Assert.False(double.IsNaN(prediction.Value), prediction.Id);
                var json = JsonSerializer.Serialize(prediction, options);
                Assert.DoesNotContain("NaN", json);
                var back = JsonSerializer.Deserialize<JsonElement>(json, options);
                Assert.Equal(prediction.Id, back.GetProperty("id").GetString());
            }
        }
    }
}
