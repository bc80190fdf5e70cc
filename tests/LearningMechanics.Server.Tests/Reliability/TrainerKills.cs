using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>
/// Server-side validations whose trainer child is killed with SIGKILL at a random point of its life. Shared by
/// <see cref="FaultTests"/> (10 kills) and `bench/lsp kills` (100 kills).
/// </summary>
public static class TrainerKills
{
    public sealed record Result(
        int Requested,
        int Attempts,
        int Killed,
        int KilledReportedFailed,
        int FinishedBeforeKill,
        int CleanRuns,
        int CleanRunsWorked,
        int ProgressBegun,
        int ProgressEnded,
        int TrainersLeft,
        bool ServerAlive,
        double CleanRunMs,
        IReadOnlyList<string> Problems)
    {
        /// <summary>Every kill reported as validation-failed, every clean run judged, no trainer and no progress left running, the server alive.</summary>
        public bool Passed => Killed >= Requested && KilledReportedFailed == Killed && CleanRunsWorked == CleanRuns && ProgressBegun == ProgressEnded
                              && TrainersLeft == 0 && ServerAlive && Problems.Count == 0;
    }

    public const string Model = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public static class Small
        {
            public static void Train()
            {
                var model = Sequential(Linear(64, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 10));
            }
        }
        """;

    public static async Task<Result> RunAsync(string serverDll, int kills, int seed, Action<string>? log = null)
    {
        var random = new Random(seed);
        var uri = new Uri(Path.Combine(Path.GetTempPath(), $"lm-kills-{Guid.NewGuid():N}", "Small.cs")).AbsoluteUri;
        await using var client = new LspProcessClient(serverDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { window = new { workDoneProgress = true } } });
        await client.NotifyAsync("initialized", new { });
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = Model } });

        var problems = new List<string>();
        var (killed, killedFailed, finishedFirst, cleanRuns, cleanWorked) = (0, 0, 0, 0, 0);
        async Task<string> ValidateAsync()
        {
            var summary = await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { uri } });
            return summary!.AsArray().Single()!["outcome"]!.GetValue<string>();
        }
        var runMs = 0.0;
        async Task CleanAsync()
        {
            cleanRuns++;
            var watch = Stopwatch.StartNew();
            var outcome = await ValidateAsync();
            runMs = watch.Elapsed.TotalMilliseconds;
            if (outcome is "prediction-confirmed" or "prediction-refuted")
                cleanWorked++;
            else
                problems.Add($"clean validation {cleanRuns}: {outcome}");
        }

        var clean = Stopwatch.StartNew();
        await CleanAsync();
        var cleanMs = clean.Elapsed.TotalMilliseconds;
        // The first run is cold (JIT, libtorch loading); later kill points are drawn over a warm run's length.
        await CleanAsync();
        // Attempts go on until the requested number of trainers were killed mid-run (a kill drawn after the run ended
        // does not count), within four attempts per kill.
        var attempt = 0;
        for (; killed < kills && attempt < 4 * kills; attempt++)
        {
            var validation = ValidateAsync();
            var trainer = await WaitForTrainerAsync(client.ProcessId, validation);
            if (trainer is null)
            {
                finishedFirst++;
                await validation;
                continue;
            }
            // A random point of the trainer's life: from just started (runtime loading) to close to its end.
            var lived = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * runMs * 0.9));
            var wasKilled = Kill(trainer.Value);
            var outcome = await validation.WaitAsync(TimeSpan.FromSeconds(60));
            if (wasKilled && outcome != "prediction-confirmed" && outcome != "prediction-refuted")
            {
                killed++;
                if (outcome == "validation-failed")
                    killedFailed++;
                else
                    problems.Add($"kill {attempt} after {lived.ElapsedMilliseconds} ms: outcome {outcome}");
            }
            else
            {
                finishedFirst++;
            }
            if (attempt % 10 == 9)
                await CleanAsync();
        }
        await CleanAsync();

        var diagnostics = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri, TimeSpan.FromSeconds(30));
        if (diagnostics is null)
            problems.Add("no diagnostics published");
        var begun = ProgressTokens(client, "begin");
        var ended = ProgressTokens(client, "end");
        await Task.Delay(200);
        var left = Trainers(client.ProcessId).Count;
        var alive = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = 0, character = 0 } }).ContinueWith(t => t.IsCompletedSuccessfully);
        var result = new Result(kills, attempt, killed, killedFailed, finishedFirst, cleanRuns, cleanWorked, begun.Count, begun.Count(ended.Contains), left, alive, cleanMs, problems);
        log?.Invoke($"trainer kills: {kills} requested, {attempt} attempts, {killed} killed mid-run, {killedFailed} of them reported validation-failed, {finishedFirst} finished before the kill; " +
                    $"{cleanWorked}/{cleanRuns} clean validations judged (first one {cleanMs:F0} ms); progress begun {begun.Count}, ended {result.ProgressEnded}; trainers left {left}; server alive {alive}");
        foreach (var problem in problems)
            log?.Invoke("  problem: " + problem);
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        return result;
    }

    /// <summary>Trainer processes started by the server (their command line names the trainer dll).</summary>
    public static List<int> Trainers(int serverPid)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent == serverPid && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("LearningMechanics.Trainer.dll", StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    private static async Task<int?> WaitForTrainerAsync(int serverPid, Task validation)
    {
        var deadline = Stopwatch.StartNew();
        while (!validation.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (Trainers(serverPid) is [var pid, ..])
                return pid;
            await Task.Delay(5);
        }
        return null;
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(); // SIGKILL on Unix.
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static HashSet<string> ProgressTokens(LspProcessClient client, string kind) =>
        client.Notifications.Where(n => n.Method == "$/progress" && n.Params?["value"]?["kind"]?.GetValue<string>() == kind)
            .Select(n => n.Params!["token"]!.ToJsonString()).ToHashSet();
}
