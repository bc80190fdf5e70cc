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
        // Cancelled from a thread of its own: a timer callback would wait for a thread-pool thread, which the other test
        // classes running in parallel can hold for seconds on a 2-core machine.
        using var soon = new CancellationTokenSource();
        var cancelledAt = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var canceller = new Thread(() =>
        {
            Thread.Sleep(100);
            cancelledAt = clock.Elapsed;
            soon.Cancel();
        }) { IsBackground = true };
        canceller.Start();
        Assert.ThrowsAny<OperationCanceledException>(() => DataKernels.AtOutput(graph, gram, Parameterization.Standard, cancellationToken: soon.Token));
        var stopped = clock.Elapsed;
        canceller.Join();
        Assert.True(stopped - cancelledAt < TimeSpan.FromSeconds(5), $"took {(stopped - cancelledAt).TotalMilliseconds:F0} ms to stop after the cancel");
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
