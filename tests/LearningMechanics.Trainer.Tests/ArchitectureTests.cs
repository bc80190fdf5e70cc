using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>Every op kind the network builder supports, built and run through the trainer, with the q values a formula fixes.</summary>
[Trait("Category", "Trainer")]
public sealed class ArchitectureTests
{
    private static readonly KaimingInit s_he = new(Uniform: false, Nonlinearity: "relu");

    [Fact]
    public async Task ForwardStats_SmallResNet_ConvBatchNormResidualLayerNorm()
    {
        var builder = new GraphBuilder("resnet", ModelOrigin.Synthetic, TensorShape.Of(3, 8, 8));
        var conv1 = builder.Then(Conv.Uniform(2, 3, 16, 3, padding: 1, hasBias: false), "conv1", weightInit: s_he);
        var bn1 = builder.Then(new BatchNorm(2, 16), "bn1");
        builder.Then(new Activation(ActivationKind.ReLU));
        var pool = builder.Then(new Pool(PoolKind.Max, 2, [2, 2], [2, 2], [0, 0]), "pool");
        builder.Then(Conv.Uniform(2, 16, 16, 3, padding: 1), "block.conv1");
        builder.Then(new Activation(ActivationKind.ReLU));
        var branch = builder.Then(Conv.Uniform(2, 16, 16, 3, padding: 1), "block.conv2");
        var add = builder.Add(new Add(), [pool, branch], "block.add");
        builder.Then(new Pool(PoolKind.AdaptiveAvg, 2, default, default, default, [1, 1]));
        builder.Then(new Flatten());
        builder.Then(new Linear(16, 10));
        var norm = builder.Then(new LayerNorm([10]), "norm");
        builder.Then(new Activation(ActivationKind.GELU));
        builder.Then(new Dropout(0.1));
        builder.Then(new Linear(10, 1));
        var layers = await ForwardStatsAsync(builder.Build(), networks: 8);

        // conv1: q = sigma_w^2 * E[x^2] * (fraction of the 3x3 taps inside the 8x8 image with padding 1): per axis
        // (2 + 6*3 + 2) / (8*3) = 22/24.
        var inside = 22.0 / 24.0;
        AssertClose(2.0 * inside * inside, layers[conv1].SecondMoment, 0.10, "conv1 q");
        // BatchNorm on batch statistics, LayerNorm at init (gain 1, bias 0): unit second moment.
        AssertClose(1.0, layers[bn1].SecondMoment, 0.03, "bn1 q");
        AssertClose(1.0, layers[norm].SecondMoment, 0.03, "LayerNorm q");
        // Residual add of independent-at-init terms: q adds.
        AssertClose(layers[pool].SecondMoment + layers[branch].SecondMoment, layers[add].SecondMoment, 0.10, "residual q");
        Assert.All(layers.Where(l => l.Kind is "Conv2d" or "Linear"), l => Assert.True(l.GradientNormSquared > 0, $"{l.Name}: no gradient"));
    }

    [Fact]
    public async Task ForwardStats_OpZoo_BuildsAndRuns()
    {
        var builder = new GraphBuilder("zoo", ModelOrigin.Synthetic, TensorShape.Of(4, 16));
        builder.Then(Conv.Uniform(1, 4, 8, 3));
        builder.Then(new BatchNorm(1, 8));
        builder.Then(new Activation(ActivationKind.ELU, 1.0));
        builder.Then(new Pool(PoolKind.Avg, 1, [2], [2], [0]));
        var flat = builder.Then(new Flatten());
        var left = builder.Add(new Linear(56, 12), [flat], weightInit: new XavierInit(Uniform: true), biasInit: new ConstantInit(0));
        builder.Then(new Activation(ActivationKind.Tanh));
        var right = builder.Add(new Linear(56, 12), [flat], weightInit: new OrthogonalInit(1.0), biasInit: new NormalInit(0, 0.1));
        builder.Then(new Activation(ActivationKind.SiLU));
        builder.Add(new Concat(1), [left + 1, right + 1]);
        builder.Then(new Activation(ActivationKind.LeakyReLU, 0.1));
        builder.Then(new Linear(24, 8), weightInit: new UniformInit(-0.2, 0.2));
        builder.Then(new Activation(ActivationKind.Sigmoid));
        builder.Then(new Linear(8, 3), weightInit: new KaimingInit(Uniform: true, A: 0.1, Mode: FanMode.FanOut));
        builder.Then(new Activation(ActivationKind.LogSoftmax, Dim: 1));
        var layers = await ForwardStatsAsync(builder.Build(), networks: 1);
        Assert.All(layers, l => Assert.True(double.IsFinite(l.SecondMoment), $"{l.Name}: q = {l.SecondMoment}"));
        // Orthogonal gain 1 on a 12 x 56 weight: rows orthonormal, so mean(W^2) = 12/(12*56) and sigma_w^2 = 1.
        AssertClose(1.0, layers[right].WeightSigmaW2!.Value, 0.01, "orthogonal sigma_w^2");
        // Xavier uniform: Var = 2/(fan_in + fan_out), so sigma_w^2 = 2 * 56 / 68.
        AssertClose(2.0 * 56 / 68, layers[left].WeightSigmaW2!.Value, 0.10, "xavier sigma_w^2");
        Assert.Equal(0.0, layers[left].BiasSigmaB2);
    }

    [Fact]
    public async Task ForwardStats_TransposedConvAndEmbedding_BuildAndRun()
    {
        var deconv = new GraphBuilder("deconv", ModelOrigin.Synthetic, TensorShape.Of(3, 4, 4));
        deconv.Then(new Conv(2, 3, 2, [3, 3], [2, 2], [1, 1], [1, 1], Transposed: true, OutputPadding: [1, 1]));
        deconv.Then(new Flatten());
        deconv.Then(new Linear(2 * 8 * 8, 1));
        Assert.All(await ForwardStatsAsync(deconv.Build(), 1), l => Assert.True(double.IsFinite(l.SecondMoment)));

        var embedding = new GraphBuilder("embedding", ModelOrigin.Synthetic, TensorShape.Of(5));
        var table = embedding.Then(new Embedding(100, 8));
        embedding.Then(new Flatten());
        embedding.Then(new Linear(40, 1));
        var layers = await ForwardStatsAsync(embedding.Build(), 1);
        // TorchSharp initialises embedding tables N(0, 1).
        AssertClose(1.0, layers[table].SecondMoment, 0.15, "embedding q");
    }

    private static async Task<ImmutableArray<LayerMeasurement>> ForwardStatsAsync(ModelGraph graph, int networks)
    {
        var request = new ExperimentRequest(ExperimentKinds.ForwardStats, 256, Parameters: ImmutableDictionary<string, double>.Empty.Add("networks", networks));
        var result = await Trainer.ResultAsync(Graphs.Job(graph, request));
        return result.Results[0].Layers;
    }

    private static void AssertClose(double expected, double actual, double relativeTolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relativeTolerance * Math.Abs(expected), $"{what}: expected {expected:G4} within {relativeTolerance:P0}, measured {actual:G4}");
}
