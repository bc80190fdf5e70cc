using System.Diagnostics;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
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
    public void LearningRateLimits_CancelledMidway_StopsSoon()
    {
        // ELU has kinks, so every pair of the 256-input NTK takes a split quadrature: seconds of work uncancelled.
        var graph = Deep(ActivationKind.ELU, 30);
        var report = TheoryEngine.Analyze(graph);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => LearningRateLimits.For(graph, report, sampleCount: 256, cancellationToken: soon.Token));
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
