using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;
using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Tests.Learning;

/// <summary>
/// The init-to-init spread of lambda_max(Theta) (THEORY.md §4.3, Hanin & Nica 2019) behind the LR predictions' finite-width
/// regime: its mean against the infinite-width NTK, its spread against an independent ensemble that forms J J^T from
/// explicit parameter gradients, and its scaling with depth over width.
/// </summary>
public sealed class InitSpreadTests
{
    private static readonly InitSpec He = new KaimingInit(Uniform: false, Nonlinearity: "relu");
    private static readonly InitSpec Bias = new NormalInit(0, Math.Sqrt(0.05));

    private static ModelGraph WithSgd(ModelGraph graph) =>
        graph with { Training = new TrainingSetup(new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.01), null), new LossSpec(LossKind.Mse, LossReduction.Mean, null)) };

    [Fact]
    public void WideNet_MeanOfTheDrawsIsTheInfiniteWidthNtk()
    {
        var graph = Graphs.Mlp(16, 2048, 1, ActivationKind.ReLU, He, Bias);
        var spread = InitSpread.Estimate(graph, DataKernels.SyntheticGram(16, 16, 1.0, 3), seed: 1);
        Assert.NotNull(spread);
        Assert.InRange(spread.MeanRatio, 0.97, 1.03);
        Assert.InRange(spread.RelativeSpread, 0.001, 0.04);
    }

    [Fact]
    public void Spread_MatchesAnIndependentEnsembleOfExplicitJacobians()
    {
        // Reference: 48 nets drawn here with explicit weight matrices on explicit inputs; Theta = J J^T with J the gradient of
        // f with respect to every weight and bias, written out per parameter (not the engine's per-layer factorisation).
        const int n = 12, d = 8, width = 96, hidden = 3, draws = 48;
        var random = new Random(11);
        var x = Matrix<double>.Build.Dense(n, d, (_, _) => Gaussian.Normal(random));
        var graph = Graphs.Mlp(d, width, hidden, ActivationKind.ReLU, He, Bias);
        var spread = InitSpread.Estimate(graph, DataKernels.Gram(x.ToArray()), seed: 2)!;

        var lambdas = new double[draws];
        for (var draw = 0; draw < draws; draw++)
        {
            var weights = new List<Matrix<double>>();
            var biases = new List<Vector<double>>();
            for (var layer = 0; layer <= hidden; layer++)
            {
                var (fanIn, fanOut) = (layer == 0 ? d : width, layer == hidden ? 1 : width);
                weights.Add(Matrix<double>.Build.Dense(fanOut, fanIn, (_, _) => Math.Sqrt(2.0 / fanIn) * Gaussian.Normal(random)));
                biases.Add(Vector<double>.Build.Dense(fanOut, _ => Math.Sqrt(0.05) * Gaussian.Normal(random)));
            }
            var jacobian = new List<double[]>();
            for (var sample = 0; sample < n; sample++)
            {
                var activations = new List<Vector<double>> { x.Row(sample) };
                var preActivations = new List<Vector<double>>();
                for (var layer = 0; layer <= hidden; layer++)
                {
                    var z = weights[layer] * activations[^1] + biases[layer];
                    preActivations.Add(z);
                    activations.Add(layer == hidden ? z : z.Map(v => Math.Max(v, 0)));
                }
                var gradient = new List<double>();
                var delta = Vector<double>.Build.Dense(1, 1.0); // d f / d z at the readout
                for (var layer = hidden; layer >= 0; layer--)
                {
                    var input = activations[layer];
                    for (var row = 0; row < delta.Count; row++)
                    {
                        for (var col = 0; col < input.Count; col++)
                            gradient.Add(delta[row] * input[col]); // d f / d W[row, col]
                        gradient.Add(delta[row]); // d f / d b[row]
                    }
                    if (layer > 0)
                        delta = (weights[layer].Transpose() * delta).PointwiseMultiply(preActivations[layer - 1].Map(v => v > 0 ? 1.0 : 0.0));
                }
                jacobian.Add([.. gradient]);
            }
            var j = Matrix<double>.Build.DenseOfRowArrays(jacobian);
            lambdas[draw] = (j * j.Transpose()).Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
        }
        var mean = lambdas.Average();
        var reference = Math.Sqrt(lambdas.Sum(l => (l - mean) * (l - mean)) / (draws - 1)) / mean;
        // Sampling error of a relative sd: ≈ 1/sqrt(2(k-1)), 18 % for the engine's 16 draws and 10 % for these 48.
        Assert.InRange(spread.RelativeSpread / reference, 0.55, 1.6);
        Assert.InRange(reference, 0.08, 0.4);
        var infinite = DataKernels.LambdaMax(DataKernels.AtOutput(graph, DataKernels.Gram(x.ToArray()), Parameterization.Standard).Kernel!.ThetaMatrix());
        Assert.InRange(mean / infinite, 0.85, 1.15);
    }

    [Fact]
    public void LayerQ_BatchMeanFluctuation_MatchesAnIndependentEnsembleAndGrowsWithDepth()
    {
        // Reference: 64 nets drawn here with explicit weights on explicit inputs; per net, q = mean over probes and units of z^2
        // at each Linear layer. The engine's between-net relative sd over the same m probes is sqrt(Shared + Within/m)/Mean.
        const int n = 12, d = 8, width = 96, hidden = 4, draws = 64;
        var random = new Random(17);
        var x = Matrix<double>.Build.Dense(n, d, (_, _) => Gaussian.Normal(random));
        var graph = Graphs.Mlp(d, width, hidden, ActivationKind.ReLU, He, Bias);
        var ensemble = InitSpread.Estimate(graph, DataKernels.Gram(x.ToArray()), seed: 3)!;
        var batchMeans = new double[hidden + 1, draws];
        for (var draw = 0; draw < draws; draw++)
        {
            var a = x.Transpose(); // d x n, one column per probe
            for (var layer = 0; layer <= hidden; layer++)
            {
                var (fanIn, fanOut) = (layer == 0 ? d : width, layer == hidden ? 1 : width);
                var w = Matrix<double>.Build.Dense(fanOut, fanIn, (_, _) => Math.Sqrt(2.0 / fanIn) * Gaussian.Normal(random));
                var b = Vector<double>.Build.Dense(fanOut, _ => Math.Sqrt(0.05) * Gaussian.Normal(random));
                var z = w * a;
                for (var col = 0; col < n; col++)
                    z.SetColumn(col, z.Column(col) + b);
                batchMeans[layer, draw] = z.Enumerate().Average(v => v * v);
                a = z.Map(v => Math.Max(v, 0));
            }
        }
        var reference = new double[hidden + 1];
        var engine = new double[hidden + 1];
        for (var layer = 0; layer <= hidden; layer++)
        {
            var values = Enumerable.Range(0, draws).Select(dr => batchMeans[layer, dr]).ToArray();
            var mean = values.Average();
            reference[layer] = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (draws - 1)) / mean;
            engine[layer] = ensemble.LayerQ[1 + 2 * layer]!.RelativeSd(n);
        }
        // Relative sds from 16 and 64 draws: sampling errors ≈ 18 % and 9 %.
        for (var layer = 1; layer < hidden; layer++)
            Assert.InRange(engine[layer] / reference[layer], 0.55, 1.6);
        Assert.True(reference[hidden - 1] > 1.5 * reference[1], $"reference sds {string.Join(", ", reference.Select(r => r.ToString("F3")))}");
        Assert.True(engine[hidden - 1] > engine[1], $"engine sds {string.Join(", ", engine.Select(r => r.ToString("F3")))}");
        // The part a larger batch cannot average away is the shared one: at 512 inputs the sd is smaller than at 12.
        Assert.True(ensemble.LayerQ[1 + 2 * (hidden - 1)]!.RelativeSd(512) < engine[hidden - 1]);
        Assert.Null(ensemble.LayerQ[2]); // an activation node
    }

    [Fact]
    public void Spread_GrowsWithDepthOverWidth_OrderedNetsStayNarrow()
    {
        var gram = DataKernels.SyntheticGram(64, 16, 1.0, 5);
        double Spread(int width, int hidden, InitSpec? weights, InitSpec? bias) =>
            InitSpread.Estimate(Graphs.Mlp(16, width, hidden, ActivationKind.ReLU, weights, bias), gram, seed: 5)!.RelativeSpread;
        // Every hidden ReLU layer at criticality multiplies each NTK term by a factor of relative variance ≈ 5/n (Hanin & Nica):
        // the spread grows with depth and shrinks as 1/sqrt(width).
        var deep = Spread(512, 7, He, Bias);
        Assert.InRange(deep, 0.11, 0.3);
        Assert.InRange(Spread(512, 1, He, Bias), 0.0, 0.06);
        Assert.InRange(Spread(128, 3, He, Bias) / Spread(512, 3, He, Bias), 1.4, 2.9);
        // TorchSharp's default init (sigma_w^2 = 1/3) is ordered: the readout's own term dominates Theta and barely varies.
        Assert.InRange(Spread(512, 7, null, null), 0.0, 0.06);
    }

    [Theory]
    // Grid nets (bench/grids/mixed-270.json): the depth-8 critical ReLU MLP's monotone limit measured 1.27x the prediction.
    [InlineData(7, false)]
    [InlineData(1, true)]
    public void EtaCrit_OutOfRegimeWhenTheSpreadIsWiderThanTheCheck(int hidden, bool inside)
    {
        var graph = WithSgd(Graphs.Mlp(16, 512, hidden, ActivationKind.ReLU, He, Bias));
        var report = LearningRateLimits.For(graph, TheoryEngine.Analyze(graph), seed: 5);
        Assert.NotNull(report.Spread);
        Assert.Equal(inside, report.Spread.Interval95 <= LearningRateLimits.SpreadLimit(LazyWindow.Tolerance));
        var etaCrit = report.Predictions.Single(p => p.Id == "eta-crit");
        Assert.Equal(inside, etaCrit.Regime.IsInside);
        if (!inside)
            Assert.Contains("varies by", etaCrit.Regime.FailingAssumption);
        Assert.Contains(etaCrit.Assumptions, a => a.StartsWith("init-to-init spread of lambda_max at these widths", StringComparison.Ordinal));
        // The curvature at init is still predicted in regime: the spread is around it.
        Assert.True(report.Predictions.Single(p => p.Id == "lambda-max-ntk").Regime.IsInside);
    }

    [Fact]
    public void Unsupported_OrTooLarge_IsNotEstimated()
    {
        var builder = new GraphBuilder("dropout", ModelOrigin.Synthetic, Model.Shapes.TensorShape.Of(16));
        builder.Then(new Linear(16, 64));
        builder.Then(new Dropout(0.1));
        builder.Then(new Linear(64, 1));
        Assert.Null(InitSpread.Estimate(builder.Build(), DataKernels.SyntheticGram(16, 16, 1.0, 1)));
        // 50 layers of width 2048: beyond the budget even at the fewest draws, so no estimate rather than a stall in the editor.
        Assert.Null(InitSpread.Estimate(Graphs.Mlp(16, 2048, 50, ActivationKind.ReLU, He, Bias), DataKernels.SyntheticGram(16, 16, 1.0, 1)));
    }

    [Fact]
    public void DeepWideNet_GetsFewerDrawsThenFewerProbes_AndAWideSpread()
    {
        // Critical ReLU at width 512: beta = sum 1/n, exp(5 beta) - 1 is 0.11 at 11 hidden layers, 0.22 at 20 (Hanin & Nica).
        var gram = DataKernels.SyntheticGram(16, 16, 1.0, 1);
        var deep = InitSpread.Estimate(Graphs.Mlp(16, 512, 11, ActivationKind.ReLU, He, Bias), gram);
        Assert.NotNull(deep);
        Assert.Equal(InitSpread.MaxSample, deep.SampleCount);
        Assert.InRange(deep.Draws, InitSpread.MinDraws, InitSpread.Draws - 1);
        var deeper = InitSpread.Estimate(Graphs.Mlp(16, 512, 20, ActivationKind.ReLU, He, Bias), gram);
        Assert.NotNull(deeper);
        Assert.Equal(InitSpread.MinSample, deeper.SampleCount);
        Assert.InRange(deeper.Draws, InitSpread.MinDraws, InitSpread.Draws);
        // Enough draws to see a spread far beyond any ±20 % check.
        Assert.True(deeper.Interval95 > 0.4, $"spread {deeper.RelativeSpread:P0} over {deeper.Draws} draws");
        // 50 of them: over the budget even on 8 probes.
        Assert.Null(InitSpread.Estimate(Graphs.Mlp(16, 512, 50, ActivationKind.ReLU, He, Bias), gram));
    }

    [Fact]
    public void Estimates_AreMemoisedPerArchitectureAndInit()
    {
        // The editor re-analyses the same model on every edit: the same architecture gets the same estimate object back, and
        // a change of init variance alone is a different architecture.
        var gram = DataKernels.SyntheticGram(64, 16, 1.0, 9);
        var graph = Graphs.Mlp(16, 128, 2, ActivationKind.Tanh, Graphs.FanIn(1.0));
        var rebuilt = Graphs.Mlp(16, 128, 2, ActivationKind.Tanh, Graphs.FanIn(1.0));
        var wider = Graphs.Mlp(16, 128, 2, ActivationKind.Tanh, Graphs.FanIn(1.5));
        Assert.Same(InitSpread.Estimate(graph, gram), InitSpread.Estimate(rebuilt, gram));
        Assert.Same(LazyWindow.Estimate(graph, gram), LazyWindow.Estimate(rebuilt, gram));
        Assert.NotEqual(InitSpread.Estimate(graph, gram)!.MeanRatio, InitSpread.Estimate(wider, gram)!.MeanRatio);
        Assert.NotEqual(LazyWindow.Estimate(graph, gram)!.KernelGrowth, LazyWindow.Estimate(wider, gram)!.KernelGrowth);
        // Another sample is another key.
        Assert.NotSame(LazyWindow.Estimate(graph, gram), LazyWindow.Estimate(graph, DataKernels.SyntheticGram(64, 16, 1.0, 10)));
    }
}
