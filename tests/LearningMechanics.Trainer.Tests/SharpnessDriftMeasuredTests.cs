using System.Collections.Immutable;
using LearningMechanics.Cli.Grid;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// The engine's finite-width early drift of the sharpness (SharpnessDrift: nets drawn from the init ensemble, 16 probes, the
/// trainer's teacher) against TorchSharp: lambda_max(H) by power iteration over the first GD steps at 2/lambda_max(H_0) on
/// the grid's 64 samples, three trainer seeds. They share only the architecture, the init variances and the kind of targets.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class SharpnessDriftMeasuredTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly GridSpec Spec = GridSpec.Parse("""{ "samples": 64, "inputDim": 16, "biasVariance": 0.05, "seed": 5 }""", "mixed-270");

    [Theory]
    [InlineData("tanh", 8, "normal:3.0")]   // sharpness reduction: output variance ≈ 2 against unit targets, depth/width 1/64
    [InlineData("tanh", 4, "critical")]     // mixed-270's mlp-L4-tanh-critical, measured at 1.23x the uncorrected limit
    [InlineData("relu", 2, "critical")]     // no drift: one hidden layer at He init
    public async Task SharpnessAfterFiveStepsAtTheLimit_MatchesTheDrawnEnsemble(string activation, int depth, string init)
    {
        var predictions = GridRunner.Predict(new GridConfiguration("mlp", depth, 512, activation, init, "sgd", GridRate.Multiple(0.5)), Spec);
        var drift = predictions.Lr!.Drift;
        Assert.NotNull(drift);
        Assert.False(drift.IsSharpening);
        var measured = new List<double>();
        foreach (var seed in new[] { 5, 6, 7 })
        {
            // As the engine does per draw: the steps are taken at this init's own 2/lambda_max(H_0), so the init-to-init spread
            // (± 9–18 % for these nets) does not put the top mode above its edge and catapult it.
            var initial = (await Track(predictions, 1e-9, 1, seed))[0];
            var series = await Track(predictions, 2 / initial, 5, seed);
            measured.Add(series[5] / series[0]);
        }
        output.WriteLine($"{activation} L{depth} {init}: measured lambda_5/lambda_0 {string.Join(", ", measured.Select(m => m.ToString("F3")))} (mean {measured.Average():F3}); engine {drift.Correction:F3} ± {drift.StandardError:F3} over {drift.Draws} draws");
        Assert.InRange(measured.Average() - drift.Correction, -0.04, 0.04);
    }

    [Fact]
    public async Task OrderedGeluNet_SharpensAtTheLimit_AsTheEnginePredicts()
    {
        // lazy-window-36's mlp-L6-gelu-default: its monotone limit measured 0.40x the uncorrected prediction.
        var predictions = GridRunner.Predict(new GridConfiguration("mlp", 6, 512, "gelu", "default", "sgd", GridRate.Multiple(0.5)), Spec);
        var drift = predictions.Lr!.Drift;
        Assert.NotNull(drift);
        Assert.True(drift.IsSharpening);
        var series = await Track(predictions, predictions.Lr.EtaCrit!.Value.Value, 10, 5);
        var peak = series.Max() / series[0] - 1;
        // Only the side of the limit is predicted: the 16-probe simulation grows far faster (548 % against 37 % measured on 64
        // samples in the first run), as a rich net's growth is not a small correction.
        output.WriteLine($"gelu L6 default: measured peak growth {peak:P0} within 10 steps; engine {drift.PeakGrowth:P0}");
        Assert.True(peak > 0.25, $"measured peak growth {peak:P0}");
    }

    private static async Task<ImmutableArray<double>> Track(GridPredictions predictions, double rate, int steps, int seed)
    {
        var n = predictions.Lr!.SampleCount;
        var request = new ExperimentRequest(ExperimentKinds.SharpnessTracking, n, steps,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("lr", rate).Add("every", 1).Add("samples", n));
        return (await Trainer.ResultAsync(new TrainerJob($"drift-{seed}", predictions.Network, [request], seed, "cpu", 1))).Results[0].Series!["sharpness"];
    }
}
