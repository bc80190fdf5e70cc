using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// Runs one <see cref="TrainerJob"/> in a child trainer process (`dotnet LearningMechanics.Trainer.dll`) and returns how it
/// ended. libtorch aborts its process on any error, so the trainer never runs in the caller's process; every way the
/// child can end (result, error message, abort, hang, cancellation, memory limit) becomes a <see cref="TrainerOutcome"/>.
/// The process tree is killed on cancellation and timeout. This type references no TorchSharp.
/// </summary>
public static class TrainerProcess
{
    /// <summary>Runs the job with <see cref="TrainerProcessOptions.Default"/>.</summary>
    public static Task<TrainerOutcome> RunAsync(TrainerJob job, IProgress<ProgressMessage>? progress, TimeSpan timeout, CancellationToken ct) =>
        RunAsync(job, progress, timeout, TrainerProcessOptions.Default, ct);

    /// <summary>
    /// Runs the job; <paramref name="progress"/> receives each <see cref="ProgressMessage"/> as it arrives.
    /// Never throws for anything the child does; cancellation through <paramref name="ct"/> gives <see cref="TrainerCancelled"/>.
    /// </summary>
    public static async Task<TrainerOutcome> RunAsync(TrainerJob job, IProgress<ProgressMessage>? progress, TimeSpan timeout, TrainerProcessOptions options, CancellationToken ct)
    {
        string? trainerPath = options.TrainerPath;
        if (trainerPath is null)
        {
            var (located, error) = TrainerLocator.Locate();
            if (located is null)
                return new TrainerUnavailable(error!);
            trainerPath = located;
        }
        else if (!File.Exists(trainerPath))
        {
            return new TrainerUnavailable($"the trainer {trainerPath} does not exist; build it with `dotnet build server/LearningMechanics.Trainer -c Release`");
        }

        string jobLine;
        try
        {
            jobLine = ProtocolJson.Serialize(job);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new TrainerFailed(new ErrorMessage(job.JobId, $"the job cannot be written as JSON: {e.Message}"), null);
        }

        var startInfo = new ProcessStartInfo(options.DotnetPath ?? DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(trainerPath)!,
        };
        startInfo.ArgumentList.Add(trainerPath);
        // OpenMP workers that spin waste the machine when it is shared (the editor, builds); let them sleep instead.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
            startInfo.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        foreach (var (name, value) in options.Environment ?? ImmutableDictionary<string, string>.Empty)
            startInfo.Environment[name] = value;

        using var process = new Process { StartInfo = startInfo };
        var stderr = new StderrTail(options.StderrTailLines);
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        try
        {
            if (!process.Start())
                return new TrainerUnavailable($"could not start {startInfo.FileName} {trainerPath}");
        }
        catch (Win32Exception e)
        {
            return new TrainerUnavailable($"could not start the trainer with '{startInfo.FileName}': {e.Message}. Install the .NET SDK or set the dotnet path.");
        }
        process.BeginErrorReadLine();

        var state = new RunState();
        var readTask = ReadMessagesAsync(process.StandardOutput, progress, state, stderr);
        using var timeoutSource = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        var memoryTask = options.MemoryLimitBytes is long limit ? WatchMemoryAsync(process, limit, state, linked.Token) : Task.CompletedTask;
        try
        {
            try
            {
                await process.StandardInput.WriteLineAsync(jobLine.AsMemory(), linked.Token).ConfigureAwait(false);
                await process.StandardInput.FlushAsync(linked.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child died before reading its job; its exit code and stderr say why.
            }
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            // WaitForExit() without a timeout also waits for the redirected streams to reach end of file.
            process.WaitForExit();
            await readTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await Task.WhenAny(readTask, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
            if (state.MemoryExceeded is long rss)
                return MemoryCrash(process, rss, options.MemoryLimitBytes!.Value, stderr);
            return ct.IsCancellationRequested
                ? new TrainerCancelled(state.LastProgress)
                : new TrainerTimedOut(timeout, state.LastProgress, stderr.Lines());
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await memoryTask.ConfigureAwait(false);
        }

        var exitCode = process.ExitCode;
        if (state.Result is { } result)
            return new TrainerCompleted(result);
        // The memory watcher's kill usually ends the wait above as a normal exit (137), not as a cancellation.
        if (state.MemoryExceeded is long exceeded)
            return MemoryCrash(process, exceeded, options.MemoryLimitBytes!.Value, stderr);
        if (state.Error is { } errorMessage)
            return new TrainerFailed(errorMessage, exitCode);
        return new TrainerCrashed(exitCode, CrashReason(exitCode, stderr.Lines()), stderr.Lines());
    }

    private static async Task ReadMessagesAsync(StreamReader stdout, IProgress<ProgressMessage>? progress, RunState state, StderrTail stderr)
    {
        while (await stdout.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
                continue;
            TrainerMessage? message;
            try
            {
                message = ProtocolJson.Deserialize<TrainerMessage>(line);
            }
            catch (JsonException)
            {
                // Native code can write to fd 1 behind .NET's back; keep it as diagnostic text.
                stderr.Add($"stdout: {line}");
                continue;
            }
            switch (message)
            {
                case ProgressMessage progressMessage:
                    state.LastProgress = progressMessage;
                    progress?.Report(progressMessage);
                    break;
                case ResultMessage resultMessage:
                    state.Result = resultMessage;
                    break;
                case ErrorMessage errorMessage:
                    state.Error = errorMessage;
                    break;
            }
        }
    }

    private static async Task WatchMemoryAsync(Process process, long limitBytes, RunState state, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
                process.Refresh();
                if (process.HasExited)
                    return;
                var rss = process.WorkingSet64;
                if (rss > limitBytes)
                {
                    state.MemoryExceeded = rss;
                    KillTree(process);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Cancelled, or the process is gone.
        }
    }

    private static TrainerCrashed MemoryCrash(Process process, long rss, long limit, StderrTail stderr)
    {
        var exitCode = process.HasExited ? process.ExitCode : 137;
        return new TrainerCrashed(exitCode, $"trainer killed: resident memory {rss / 1048576.0:F0} MB exceeded the limit of {limit / 1048576.0:F0} MB", stderr.Lines());
    }

    /// <summary>"trainer aborted (exit 134): terminate called after throwing an instance of 'c10::Error' what(): ..." and the like.</summary>
    internal static string CrashReason(int exitCode, ImmutableArray<string> stderrLines)
    {
        var lines = stderrLines.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var terminateIdx = lines.FindIndex(l => l.Contains("terminate called", StringComparison.Ordinal));
        IEnumerable<string> chosen = terminateIdx >= 0 ? lines.Skip(terminateIdx).Take(2) : lines.TakeLast(3);
        var detail = string.Join(" ", chosen.Select(l => l.Trim()));
        if (detail.Length > 600)
            detail = detail[..600] + "…";
        var what = exitCode switch
        {
            134 => "trainer aborted (exit 134)",
            137 => "trainer killed (exit 137, SIGKILL: out of memory?)",
            139 => "trainer crashed (exit 139, segmentation fault)",
            0 => "trainer exited without a result (exit 0)",
            _ => $"trainer exited with code {exitCode} without a result",
        };
        return detail.Length > 0 ? $"{what}: {detail}" : what;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
            return fromSdk;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }

    private sealed class RunState
    {
        public volatile ProgressMessage? LastProgress;
        public volatile ResultMessage? Result;
        public volatile ErrorMessage? Error;
        public long? MemoryExceeded;
    }

    private sealed class StderrTail(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private readonly Lock _lock = new();

        public void Add(string? line)
        {
            if (line is null)
                return;
            lock (_lock)
            {
                _lines.Enqueue(line);
                // Keep a few more than asked for, so that a crash reason can start at "terminate called".
                while (_lines.Count > Math.Max(capacity, 1) * 4)
                    _lines.Dequeue();
            }
        }

        public ImmutableArray<string> Lines()
        {
            lock (_lock)
                return _lines.ToImmutableArray();
        }
    }
}
