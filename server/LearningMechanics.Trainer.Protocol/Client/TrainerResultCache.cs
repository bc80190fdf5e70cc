using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LearningMechanics.Model.Graph;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// Experiment results keyed by a SHA-256 of (protocol version, model graph without source spans, experiment, seed,
/// device, data files with their fingerprint), in memory and optionally in a directory (one JSON file per key). Source spans are left out of the key so
/// that editing an unrelated line does not invalidate a run; everything else that reaches the trainer is in it.
/// A directory that cannot be written (read-only, disk full) degrades to the in-memory cache; <paramref name="onWarning"/>
/// gets one message saying so.
/// </summary>
public sealed class TrainerResultCache(string? directory = null, Action<string>? onWarning = null)
{
    private readonly ConcurrentDictionary<string, CachedExperiment> _entries = new();
    private int _warned;

    /// <summary>False once writing to the directory failed: results are then kept in memory only.</summary>
    public bool Persisting => directory is not null && Volatile.Read(ref _warned) == 0;

    public static string Key(ModelGraph graph, ExperimentRequest experiment, int seed, string device, DataSpec? data = null)
    {
        var graphNode = StructuralKey.SpanFreeJson(graph);
        var keyObject = new JsonObject
        {
            ["version"] = ProtocolJson.Version,
            ["graph"] = graphNode,
            ["experiment"] = JsonNode.Parse(ProtocolJson.Serialize(experiment)),
            ["seed"] = seed,
            ["device"] = device.ToLowerInvariant(),
        };
        if (data is not null)
            keyObject["data"] = JsonNode.Parse(ProtocolJson.Serialize(data));
        return StructuralKey.Hash(keyObject);
    }

    public bool TryGet(string key, out CachedExperiment entry)
    {
        if (_entries.TryGetValue(key, out entry!))
            return true;
        var path = PathOf(key);
        if (path is null || !File.Exists(path))
            return false;
        try
        {
            var loaded = ProtocolJson.Deserialize<CachedExperiment>(File.ReadAllText(path));
            if (loaded is null)
                return false;
            entry = _entries.GetOrAdd(key, loaded);
            return true;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Store(string key, CachedExperiment entry)
    {
        _entries[key] = entry;
        var path = PathOf(key);
        if (path is null)
            return;
        try
        {
            Directory.CreateDirectory(directory!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, ProtocolJson.Serialize(entry));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot persist still works in memory.
            TryDelete(path + ".tmp");
            if (Interlocked.Exchange(ref _warned, 1) == 0)
                onWarning?.Invoke($"the trainer result cache {directory} cannot be written ({e.Message}); results are kept in memory only");
        }
    }

    /// <summary>
    /// Runs the job through <see cref="TrainerProcess"/>, serving the experiments already cached and running only the rest;
    /// the result lists experiments in request order. Only completed runs are cached.
    /// </summary>
    public async Task<TrainerOutcome> RunAsync(TrainerJob job, IProgress<ProgressMessage>? progress, TimeSpan timeout, TrainerProcessOptions options, CancellationToken ct)
    {
        var experiments = job.Experiments.IsDefault ? [] : job.Experiments;
        var keys = experiments.Select(e => Key(job.Graph, e, job.Seed, job.Device, job.Data)).ToArray();
        var cached = new CachedExperiment?[experiments.Length];
        for (var experimentIdx = 0; experimentIdx < experiments.Length; experimentIdx++)
            cached[experimentIdx] = TryGet(keys[experimentIdx], out var entry) ? entry : null;
        var missing = Enumerable.Range(0, experiments.Length).Where(i => cached[i] is null).ToArray();
        if (missing.Length == 0 && experiments.Length > 0)
        {
            var first = cached[0]!;
            return new TrainerCompleted(new ResultMessage(job.JobId, first.Device, first.Threads, job.Seed, cached.Select(c => c!.Result).ToImmutableArray(), 0));
        }
        var outcome = await TrainerProcess.RunAsync(job with { Experiments = missing.Select(i => experiments[i]).ToImmutableArray() }, progress, timeout, options, ct).ConfigureAwait(false);
        if (outcome is not TrainerCompleted { Message: var fresh })
            return outcome;
        for (var freshIdx = 0; freshIdx < missing.Length && freshIdx < fresh.Results.Length; freshIdx++)
        {
            var entry = new CachedExperiment(fresh.Results[freshIdx], fresh.Device, fresh.Threads);
            cached[missing[freshIdx]] = entry;
            Store(keys[missing[freshIdx]], entry);
        }
        return new TrainerCompleted(fresh with { Results = cached.Select(c => c!.Result).ToImmutableArray() });
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do on a broken directory.
        }
    }

    private string? PathOf(string key) => directory is null ? null : Path.Combine(directory, key + ".json");
}
