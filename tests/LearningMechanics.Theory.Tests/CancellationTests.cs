using System.Diagnostics;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Theory.Tests;

/// <summary>A superseded analysis can be abandoned: the engine observes its token between nodes and rows of pairs.</summary>
public sealed class CancellationTests
{
    private static Model.Graph.ModelGraph Deep(ActivationKind phi, int layers) =>
        Graphs.Mlp(64, 256, layers, phi) with
        {
            Training = new TrainingSetup(new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.01), null), new LossSpec(LossKind.Mse, LossReduction.Mean, null)),
        };

    [Fact]
    public void Analyze_WithACancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TheoryEngine.Analyze(Deep(ActivationKind.Tanh, 3), cancelled.Token));
    }

    [Fact]
    public void NtkOnData_CancelledMidway_StopsSoon()
    {
        // 256 probes of 256 different lengths: no two pairs share a table, so every pair of every ELU layer is its own
        // quadrature (about 15 s uncancelled); the token fires after 100 ms and must be observed within a row of pairs.
        var graph = Deep(ActivationKind.ELU, 30);
        var gram = DataKernels.SyntheticGram(256, 64, 1.0, seed: 3);
        for (var i = 0; i < 256; i++)
        {
            var scale = Math.Sqrt(0.5 + i / 256.0);
            for (var j = 0; j < 256; j++)
                (gram[i, j], gram[j, i]) = (gram[i, j] * scale, gram[j, i] * scale);
        }
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => DataKernels.AtOutput(graph, gram, Parameterization.Standard, cancellationToken: soon.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:F0} ms to stop");
    }

    [Fact]
    public void Analyze_WithoutCancellation_IsUnchanged()
    {
        var graph = Deep(ActivationKind.Tanh, 3);
        using var live = new CancellationTokenSource();
        var withToken = TheoryEngine.Analyze(graph, live.Token);
        var without = TheoryEngine.Analyze(graph);
        Assert.Equal(without.Chi1, withToken.Chi1);
        Assert.Equal(without.Predictions.Length, withToken.Predictions.Length);
    }
}
