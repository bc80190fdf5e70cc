using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using LearningMechanics.Trainer.Protocol.Data;
using LearningMechanics.Trainer.Experiments;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Runtime;
using TorchSharp;

namespace LearningMechanics.Trainer;

/// <summary>
/// Runs one job: parse, check, load libtorch, run each experiment, write one <see cref="ResultMessage"/> or one
/// <see cref="ErrorMessage"/>. Exit code 0 on a result, 1 on an error message. Everything that can be refused is
/// refused before libtorch is asked to do anything.
/// </summary>
public sealed class JobRunner(MessageWriter output)
{
    private static readonly ImmutableDictionary<string, IExperiment> s_experiments = new IExperiment[]
    {
        new ForwardStatsExperiment(),
        new LossCurveExperiment(),
        new LrThresholdExperiment(),
        new HessianTopExperiment(),
        new NtkExperiment(),
        new SharpnessExperiment(),
        new LrRangeTestExperiment(),
        new GradientNoiseScaleExperiment(),
        new CoordCheckExperiment(),
        new LazyRichExperiment(),
        new DebugExperiments.Abort(),
        new DebugExperiments.Sleep(),
    }.ToImmutableDictionary(e => e.Kind);

    public int Run(string? jobLine)
    {
        var stopwatch = Stopwatch.StartNew();
        if (string.IsNullOrWhiteSpace(jobLine))
            return Fail("?", "no job: the trainer reads one JSON line (a TrainerJob) on stdin");
        TrainerJob? job;
        try
        {
            job = ProtocolJson.Deserialize<TrainerJob>(jobLine);
        }
        catch (JsonException e)
        {
            return Fail("?", $"the job line is not a valid TrainerJob: {e.Message}");
        }
        if (job is null)
            return Fail("?", "the job line is null");
        var jobId = job.JobId;
        if (job.ProtocolVersion != ProtocolJson.Version)
            return Fail(jobId, $"protocol version {job.ProtocolVersion} is not this trainer's {ProtocolJson.Version}; rebuild the trainer and its caller together");
        var experiments = job.Experiments.IsDefault ? [] : job.Experiments;
        foreach (var request in experiments)
        {
            if (!s_experiments.ContainsKey(request.Kind))
                return Fail(jobId, $"unknown experiment kind \"{request.Kind}\"; known: {string.Join(", ", s_experiments.Keys.Order())}");
            if (request.Kind.StartsWith("debug-", StringComparison.Ordinal) && !DebugExperiments.Enabled)
                return Fail(jobId, $"experiment \"{request.Kind}\" is for tests only; set {DebugExperiments.EnableVariable}=1 to allow it");
            if (request.BatchSize < 1)
                return Fail(jobId, $"experiment \"{request.Kind}\": batch size {request.BatchSize} must be positive");
        }
        var problems = NetworkBuilder.Check(job.Graph);
        if (!problems.IsEmpty)
            return Fail(jobId, $"cannot build model '{job.Graph.Name}': {string.Join("; ", problems)}");

        var loadError = TorchRuntime.TryLoad();
        if (loadError is not null)
            return Fail(jobId, loadError);
        var (device, deviceError) = TorchRuntime.Select(job.Device);
        if (device is null)
            return Fail(jobId, deviceError!);
        var threads = TorchRuntime.SetThreads(job.Threads ?? TorchRuntime.DefaultThreads(job.Graph, experiments, device));
        Console.Error.WriteLine($"trainer: job {jobId}, model '{job.Graph.Name}', {experiments.Length} experiment(s), device {device.type}, {threads} thread(s)");

        var results = ImmutableArray.CreateBuilder<ExperimentResult>(experiments.Length);
        for (var experimentIdx = 0; experimentIdx < experiments.Length; experimentIdx++)
        {
            var request = experiments[experimentIdx];
            var start = (double)experimentIdx / experiments.Length;
            var share = 1.0 / experiments.Length;
            output.Write(new ProgressMessage(jobId, start, $"{request.Kind}: starting"));
            var context = new ExperimentContext(job.Graph, device, job.Seed,
                (fraction, message) => output.Write(new ProgressMessage(jobId, start + share * Math.Clamp(fraction, 0, 1), $"{request.Kind}: {message}")), job.Data);
            var experimentWatch = Stopwatch.StartNew();
            try
            {
                using var scope = torch.NewDisposeScope();
                var result = s_experiments[request.Kind].Run(context, request);
                results.Add(result with { Scalars = result.Scalars.SetItem("elapsed-seconds", experimentWatch.Elapsed.TotalSeconds) });
            }
            catch (DataFormatException e)
            {
                return Fail(jobId, $"experiment \"{request.Kind}\": the data cannot be used: {e.Message}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine(e);
                return Fail(jobId, $"experiment \"{request.Kind}\" failed: {e.GetType().Name}: {e.Message}");
            }
        }
        output.Write(new ResultMessage(jobId, device.type == DeviceType.CUDA ? "cuda" : "cpu", threads, job.Seed, results.ToImmutable(), stopwatch.Elapsed.TotalSeconds));
        return 0;
    }

    private int Fail(string jobId, string message)
    {
        Console.Error.WriteLine($"trainer: {message}");
        output.Write(new ErrorMessage(jobId, message));
        return 1;
    }
}
