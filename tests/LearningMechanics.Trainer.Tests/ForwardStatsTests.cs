using LearningMechanics.Model.Init;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// THEORY.md §2 CPU check: q^{l+1} = sigma_w^2 q^l / 2 + sigma_b^2 for ReLU, measured on a 10-layer width-256 MLP.
/// Expectations come from the init formulas, written out here, not from the code under test.
/// The q-map is an expectation over the weights and holds exactly in expectation at any width for ReLU
/// (E_W[q^{l+1} | h^l] = sigma_w^2 mean(relu(h^l)^2) + sigma_b^2); one width-256 network deviates from it by about
/// sqrt(2/256) = 9% per layer once its inputs correlate, so per-layer checks average over <see cref="Networks"/> networks,
/// and the single-network check uses the mean ratio over depth.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class ForwardStatsTests
{
    private const int Width = 256;
    private const int Depth = 10;
    private const int Networks = 8;

    // TorchSharp default Linear init: W ~ U(-1/sqrt(n), 1/sqrt(n)), Var = (2/sqrt(n))^2 / 12 = 1/(3n): sigma_w^2 = 1/3.
    private const double DefaultSigmaW2 = 1.0 / 3.0;
    // The default bias has the same bound, so Var(b) = 1/(3n).
    private const double DefaultSigmaB2 = 1.0 / (3.0 * Width);
    // kaiming_normal_(nonlinearity: relu): Var = gain^2 / fan_in with gain = sqrt(2): sigma_w^2 = 2.
    private const double HeSigmaW2 = 2.0;

    [Fact]
    public async Task ForwardStats_DefaultInitReluNoBias_RatioIsOneSixth()
    {
        var result = await ForwardStatsAsync(Graphs.ReluMlp(Depth, Width, hasBias: false), Networks);
        var q = PreActivations(result);
        Assert.Equal(Depth, q.Count);
        // First layer: q^1 = sigma_w^2 * E[x^2] with E[x^2] = 1.
        Assert.InRange(q[0] / DefaultSigmaW2, 0.95, 1.05);
        for (var layerIdx = 1; layerIdx < Depth; layerIdx++)
        {
            var ratio = q[layerIdx] / q[layerIdx - 1];
            Assert.True(Math.Abs(ratio / (DefaultSigmaW2 / 2) - 1) < 0.15, $"layer {layerIdx + 1}: q ratio {ratio:G4}, expected 1/6 within 15%");
        }
    }

    [Fact]
    public async Task ForwardStats_DefaultInitRelu_FollowsQMapWithBiasFloor()
    {
        var result = await ForwardStatsAsync(Graphs.ReluMlp(Depth, Width), Networks);
        var q = PreActivations(result);
        for (var layerIdx = 1; layerIdx < Depth; layerIdx++)
        {
            var expected = DefaultSigmaW2 * q[layerIdx - 1] / 2 + DefaultSigmaB2;
            var ratio = q[layerIdx] / q[layerIdx - 1];
            var expectedRatio = expected / q[layerIdx - 1];
            Assert.True(Math.Abs(ratio / expectedRatio - 1) < 0.15, $"layer {layerIdx + 1}: q ratio {ratio:G4}, expected {expectedRatio:G4} within 15%");
        }
        // Measured init moments match the TorchSharp default.
        foreach (var layer in result.Layers.Where(l => l.WeightSigmaW2 is not null))
        {
            Assert.InRange(layer.WeightSigmaW2!.Value / DefaultSigmaW2, 0.95, 1.05);
            Assert.InRange(layer.BiasSigmaB2!.Value / DefaultSigmaB2, 0.7, 1.3);
        }
    }

    [Fact]
    public async Task ForwardStats_HeInitRelu_RatioIsOne()
    {
        var result = await ForwardStatsAsync(Graphs.ReluMlp(Depth, Width, new KaimingInit(Uniform: false, Nonlinearity: "relu")), Networks);
        var q = PreActivations(result);
        Assert.InRange(q[0] / HeSigmaW2, 0.9, 1.1);
        for (var layerIdx = 1; layerIdx < Depth; layerIdx++)
        {
            var ratio = q[layerIdx] / q[layerIdx - 1];
            var expectedRatio = (HeSigmaW2 * q[layerIdx - 1] / 2 + DefaultSigmaB2) / q[layerIdx - 1];
            Assert.True(Math.Abs(ratio / expectedRatio - 1) < 0.10, $"layer {layerIdx + 1}: q ratio {ratio:G4}, expected {expectedRatio:G4} within 10%");
        }
        foreach (var layer in result.Layers.Where(l => l.WeightSigmaW2 is not null))
            Assert.InRange(layer.WeightSigmaW2!.Value / HeSigmaW2, 0.95, 1.05);
    }

    [Theory]
    [InlineData(false, DefaultSigmaW2 / 2, 0.15)]
    [InlineData(true, HeSigmaW2 / 2, 0.10)]
    public async Task ForwardStats_OneNetworkNoBias_MeanRatioOverDepthMatches(bool heInit, double expectedRatio, double tolerance)
    {
        var init = heInit ? new KaimingInit(Uniform: false, Nonlinearity: "relu") : null;
        var q = PreActivations(await ForwardStatsAsync(Graphs.ReluMlp(Depth, Width, init, hasBias: false), 1));
        var meanRatio = Math.Pow(q[^1] / q[0], 1.0 / (Depth - 1));
        Assert.True(Math.Abs(meanRatio / expectedRatio - 1) < tolerance, $"mean q ratio {meanRatio:G4}, expected {expectedRatio:G4} within {tolerance:P0}");
    }

    [Fact]
    public async Task ForwardStats_Gradients_ReportedForEveryWeightLayer()
    {
        var result = await ForwardStatsAsync(Graphs.ReluMlp(3, 64, new KaimingInit(Uniform: false, Nonlinearity: "relu")), 1);
        var weightLayers = result.Layers.Where(l => l.Kind == "Linear").ToList();
        Assert.Equal(3, weightLayers.Count);
        Assert.All(weightLayers, l => Assert.True(l.GradientNormSquared > 0 && l.GradientSecondMoment > 0, $"{l.Name}: no gradient"));
    }

    [Fact]
    public async Task ForwardStats_Predictions_ComeBackAsVerdicts()
    {
        var graph = Graphs.ReluMlp(2, Width, new KaimingInit(Uniform: false, Nonlinearity: "relu"));
        var fc1 = graph.Nodes.First(n => n.Name == "fc1").Id;
        var request = new ExperimentRequest(ExperimentKinds.ForwardStats, Predictions:
        [
            new PredictedValue("q", HeSigmaW2 + DefaultSigmaB2, 0.1, NodeId: fc1),
            new PredictedValue("q", 100, 0.1, NodeId: fc1),
        ]);
        var result = await Trainer.ResultAsync(Graphs.Job(graph, request));
        var verdicts = result.Results[0].Verdicts;
        Assert.Equal(VerdictOutcome.Confirmed, verdicts[0].Outcome);
        Assert.Equal(VerdictOutcome.Refuted, verdicts[1].Outcome);
    }

    private static async Task<ExperimentResult> ForwardStatsAsync(Model.Graph.ModelGraph graph, int nNetworks)
    {
        var parameters = System.Collections.Immutable.ImmutableDictionary<string, double>.Empty.Add("networks", nNetworks);
        var result = await Trainer.ResultAsync(Graphs.Job(graph, new ExperimentRequest(ExperimentKinds.ForwardStats, BatchSize: 256, Parameters: parameters)));
        Assert.Equal("cpu", result.Device);
        Assert.True(result.Threads >= 1);
        return result.Results.Single();
    }

    /// <summary>q_hat at each Linear node, in order: the pre-activations.</summary>
    private static List<double> PreActivations(ExperimentResult result) =>
        result.Layers.Where(l => l.Kind == "Linear").Select(l => l.SecondMoment).ToList();
}
