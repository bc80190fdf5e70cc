using System.Collections.Immutable;
using System.Diagnostics;
using LearningMechanics.Model.Values;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Trainer.Tests;

public sealed class ResultCacheTests
{
    private static readonly ExperimentRequest s_forward = new(ExperimentKinds.ForwardStats, 64);

    [Fact]
    public void Key_IgnoresSourceSpansButNotSeedOrShape()
    {
        var graph = Graphs.ReluMlp(2, 8);
        var moved = graph with { Nodes = graph.Nodes.Select(n => n with { Span = new SourceSpan("m.cs", n.Id + 5, 0, n.Id + 5, 9) }).ToImmutableArray() };
        var key = TrainerResultCache.Key(graph, s_forward, 1, "cpu");
        Assert.Equal(key, TrainerResultCache.Key(moved, s_forward, 1, "cpu"));
        Assert.NotEqual(key, TrainerResultCache.Key(graph, s_forward, 2, "cpu"));
        Assert.NotEqual(key, TrainerResultCache.Key(Graphs.ReluMlp(2, 16), s_forward, 1, "cpu"));
        Assert.NotEqual(key, TrainerResultCache.Key(graph, s_forward with { BatchSize = 32 }, 1, "cpu"));
    }

    [Fact]
    public void Store_Persisted_IsReadByAnotherInstance()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"lmech-cache-{Guid.NewGuid():N}");
        try
        {
            var entry = new CachedExperiment(new ExperimentResult("forward-stats", [], ImmutableDictionary<string, double>.Empty.Add("batch", 64)), "cpu", 1);
            new TrainerResultCache(directory).Store("abc", entry);
            Assert.True(new TrainerResultCache(directory).TryGet("abc", out var back));
            Assert.Equal(64, back.Result.Scalars["batch"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Trainer")]
    public async Task RunAsync_SecondRun_ServedFromCacheWithoutTrainer()
    {
        var cache = new TrainerResultCache();
        var job = Graphs.Job(Graphs.ReluMlp(2, 8), s_forward);
        var first = await cache.RunAsync(job, null, TimeSpan.FromMinutes(2), TrainerProcessOptions.Default, default);
        Assert.True(first is TrainerCompleted, first.Describe());
        var stopwatch = Stopwatch.StartNew();
        // A trainer path that does not exist proves the second run never starts a process.
        var second = await cache.RunAsync(job, null, TimeSpan.FromMinutes(2), new TrainerProcessOptions(TrainerPath: "/nonexistent.dll"), default);
        Assert.True(second is TrainerCompleted, second.Describe());
        Assert.Equal(ProtocolJson.Serialize(first.Result!.Results), ProtocolJson.Serialize(second.Result!.Results));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1));
    }
}
