using System.Collections.Immutable;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// The supervisor under SIGKILL: the trainer is killed at seeded random points of a run (before libtorch has loaded,
/// while it loads, while it trains), 100 times. Every outcome must be a crash (exit 137) — never a result, an exception or
/// a hang — no trainer process of this test may be left, and a normal job afterwards must complete.
/// Children are found by a marker in their environment (TrainerProcessOptions.Environment), so only this test's
/// processes are ever killed, each by its own pid.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SupervisorKillTests
{
    private const int Kills = 100;

    [Fact]
    public async Task RunAsync_Sigkill100TimesAtRandomPoints_AlwaysCrashOutcomeNothingLeftNextJobWorks()
    {
        var marker = $"kill-{Guid.NewGuid():N}";
        var options = new TrainerProcessOptions(Environment: ImmutableDictionary<string, string>.Empty.Add("LMECH_KILL_TEST", marker));
        var longRun = new ExperimentRequest(ExperimentKinds.LossCurve, BatchSize: 64, Steps: 1_000_000,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("lr", 1e-3));
        var random = new Random(20261129);
        var outcomes = new Dictionary<string, int>();
        for (var killIdx = 0; killIdx < Kills; killIdx++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 1500));
            var run = TrainerProcess.RunAsync(Graphs.Job(Graphs.ReluMlp(3, 64), longRun), null, TimeSpan.FromMinutes(1), options, default);
            var started = DateTime.UtcNow;
            int? pid = null;
            while (pid is null && DateTime.UtcNow - started < TimeSpan.FromSeconds(20))
            {
                pid = MarkedProcesses(marker).FirstOrDefault() is var p && p != 0 ? p : null;
                if (pid is null)
                    await Task.Delay(5);
            }
            Assert.True(pid is not null, $"kill {killIdx}: no trainer process appeared");
            var remaining = delay - (DateTime.UtcNow - started);
            if (remaining > TimeSpan.Zero)
                await Task.Delay(remaining);
            Kill(pid!.Value);
            var outcome = await run.WaitAsync(TimeSpan.FromSeconds(30));
            var crash = Assert.IsType<TrainerCrashed>(outcome);
            Assert.Equal(137, crash.ExitCode);
            Assert.Contains("SIGKILL", crash.Reason);
            outcomes[crash.Reason.Split(':')[0]] = outcomes.GetValueOrDefault(crash.Reason.Split(':')[0]) + 1;
            Assert.Empty(await WaitGoneAsync(marker));
        }
        Assert.Equal(Kills, outcomes.Values.Sum());

        var after = await TrainerProcess.RunAsync(Graphs.Job(Graphs.ReluMlp(2, 16), new ExperimentRequest(ExperimentKinds.ForwardStats, 64)), null, TimeSpan.FromMinutes(2), options, default);
        Assert.True(after is TrainerCompleted, after.Describe());
        Assert.Empty(await WaitGoneAsync(marker));
    }

    private static void Kill(int pid)
    {
        try
        {
            // Process.Kill sends SIGKILL on Unix.
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended on its own between the lookup and the kill; the outcome check below still applies.
        }
    }

    private static async Task<List<int>> WaitGoneAsync(string marker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<int> left;
        while ((left = MarkedProcesses(marker)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return left;
    }

    /// <summary>Pids of live processes whose environment carries the marker (zombies excluded).</summary>
    private static List<int> MarkedProcesses(string marker)
    {
        var result = new List<int>();
        var needle = $"LMECH_KILL_TEST={marker}";
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var status = File.ReadAllText(Path.Combine(directory, "stat"));
                var state = status[(status.LastIndexOf(')') + 2)..].Split(' ')[0];
                if (state == "Z")
                    continue;
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (environment.Split('\0').Contains(needle))
                    result.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours.
            }
        }
        return result;
    }
}
