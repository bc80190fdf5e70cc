using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>A trainer result cache whose directory cannot be written keeps working in memory and says so once.</summary>
public sealed class CacheFaultTests
{
    private static readonly CachedExperiment s_entry = new(new ExperimentResult(ExperimentKinds.ForwardStats, [], ImmutableDictionary<string, double>.Empty.Add("q", 1.0)), "cpu", 1);

    [Fact]
    public void Store_DirectoryUnderAFile_DegradesToMemoryWithAMessage()
    {
        var file = Path.GetTempFileName();
        try
        {
            var messages = new List<string>();
            var cache = new TrainerResultCache(Path.Combine(file, "cache"), messages.Add);
            cache.Store("k1", s_entry);
            cache.Store("k2", s_entry);
            Assert.True(cache.TryGet("k1", out _));
            Assert.False(cache.Persisting);
            Assert.Contains("kept in memory only", Assert.Single(messages));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Store_DiskFull_DegradesToMemoryWithAMessage()
    {
        // ENOSPC without a full disk: the cache's temporary file is a link to /dev/full, where every write fails with it.
        var directory = Directory.CreateTempSubdirectory("lm-cache-full-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(directory, "k1.json.tmp"), "/dev/full");
            var messages = new List<string>();
            var cache = new TrainerResultCache(directory, messages.Add);
            cache.Store("k1", s_entry);
            Assert.True(cache.TryGet("k1", out _));
            Assert.False(File.Exists(Path.Combine(directory, "k1.json")));
            Assert.Contains("kept in memory only", Assert.Single(messages));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Store_WritableDirectory_Persists()
    {
        var directory = Directory.CreateTempSubdirectory("lm-cache-ok-").FullName;
        try
        {
            var messages = new List<string>();
            new TrainerResultCache(directory, messages.Add).Store("k1", s_entry);
            Assert.True(new TrainerResultCache(directory).TryGet("k1", out _));
            Assert.Empty(messages);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
