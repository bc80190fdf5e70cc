using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using StreamJsonRpc;

namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>
/// A didChange storm against the server process: random incremental edits sent as fast as the client writes them,
/// a hover every 100 edits (never awaited during the storm). Shared by <see cref="LoadTests"/> (2,000 edits) and
/// `bench/lsp storm` (10,000 edits).
/// </summary>
public static class DidChangeStorm
{
    /// <summary>What the storm left behind; <see cref="Passed"/> is the property issue 8 asks for.</summary>
    public sealed record Result(
        int Edits,
        double SendMs,
        double SettleMs,
        bool FinalEqualsFresh,
        string FinalDiagnostics,
        string FreshDiagnostics,
        int Requests,
        int Unanswered,
        int ContentModified,
        double IdleCpuFraction,
        double JitCpuFraction,
        bool ServerAlive)
    {
        /// <summary>Equal diagnostics, every request answered, the server alive and under 20% of one core in the second after settling.</summary>
        /// <summary>
        /// <see cref="IdleCpuFraction"/> is the server's own work (every thread but the runtime's tiered-compilation worker);
        /// <see cref="JitCpuFraction"/> is that worker recompiling at tier 1 the methods the storm made hot, a one-off cost of
        /// a fresh process that runs to its end after the storm (it is 0 with DOTNET_TieredCompilation=0).
        /// </summary>
        public bool Passed => FinalEqualsFresh && Unanswered == 0 && ServerAlive && IdleCpuFraction < 0.2;
    }

    private const string Alphabet = "abcdefxyz0123456789(),.; =\n";
    private static readonly string[] s_tokens = ["Linear(64, 10), ", "ReLU(), ", "Tanh()", "Sequential(", "var ", "0.01", ");\n", "//"];

    public static async Task<Result> RunAsync(string serverDll, int edits, int seed, Action<string>? log = null)
    {
        var random = new Random(seed);
        var folder = Path.Combine(Path.GetTempPath(), $"lm-storm-{Environment.ProcessId}-{seed}-{Guid.NewGuid():N}");
        var uri = new Uri(Path.Combine(folder, "Storm.cs")).AbsoluteUri;
        var freshUri = new Uri(Path.Combine(folder, "Fresh.cs")).AbsoluteUri;
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "DeepReluHeInit.cs"));
        await using var client = new LspProcessClient(serverDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text } });

        var requests = new List<Task<JsonNode?>>();
        var version = 1;
        var clock = Stopwatch.StartNew();
        for (var editIdx = 0; editIdx < edits; editIdx++)
        {
            var start = random.Next(text.Length + 1);
            string inserted;
            int end;
            if (text.Length < 200 || random.NextDouble() < 0.55)
            {
                inserted = random.Next(4) == 0 ? s_tokens[random.Next(s_tokens.Length)] : Alphabet[random.Next(Alphabet.Length)].ToString();
                end = start;
            }
            else
            {
                inserted = "";
                end = Math.Min(text.Length, start + random.Next(1, 4));
            }
            var (startLine, startCharacter) = PositionOf(text, start);
            var (endLine, endCharacter) = PositionOf(text, end);
            text = string.Concat(text.AsSpan(0, start), inserted, text.AsSpan(end));
            version++;
            await client.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri, version },
                contentChanges = new[] { new { range = new { start = new { line = startLine, character = startCharacter }, end = new { line = endLine, character = endCharacter } }, text = inserted } },
            });
            if (editIdx % 100 == 99)
                requests.Add(client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = startLine, character = startCharacter } }));
        }
        var sendMs = clock.Elapsed.TotalMilliseconds;
        var final = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri && p["version"]?.GetValue<int>() == version, TimeSpan.FromSeconds(120));
        var settleMs = clock.Elapsed.TotalMilliseconds - sendMs;

        // Every request answered: a result, or an error such as ContentModified for a superseded version.
        var (unanswered, contentModified) = (0, 0);
        var all = Task.WhenAll(requests);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60)));
        foreach (var request in requests)
        {
            if (!request.IsCompleted)
                unanswered++;
            else if (request.Exception?.InnerException is RemoteInvocationException { ErrorCode: -32801 })
                contentModified++;
        }

        // CPU back to idle: the server's CPU time over one second, starting one second after the final diagnostics.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (cpuBefore, jitBefore) = CpuSecondsByThread(client.ProcessId);
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (cpuAfter, jitAfter) = CpuSecondsByThread(client.ProcessId);
        var jitCpu = (jitAfter - jitBefore) / window.Elapsed.TotalSeconds;
        var idleCpu = Math.Max(0, (cpuAfter - cpuBefore) / window.Elapsed.TotalSeconds - jitCpu);

        // A fresh analysis of the final text, under another name in the same folder.
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = freshUri, languageId = "csharp", version = 1, text } });
        var fresh = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == freshUri, TimeSpan.FromSeconds(60));
        var finalDiagnostics = final!["diagnostics"]!.ToJsonString();
        var freshDiagnostics = fresh!["diagnostics"]!.ToJsonString();
        var alive = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = 0, character = 0 } }).ContinueWith(t => t.IsCompletedSuccessfully);
        var result = new Result(edits, sendMs, settleMs, finalDiagnostics == freshDiagnostics, finalDiagnostics, freshDiagnostics,
            requests.Count, unanswered, contentModified, idleCpu, jitCpu, alive);
        log?.Invoke($"storm: {edits} edits sent in {sendMs:F0} ms ({edits / (sendMs / 1000):F0}/s); final diagnostics {settleMs:F0} ms after the last edit; " +
                    $"final == fresh analysis: {result.FinalEqualsFresh} ({final["diagnostics"]!.AsArray().Count} diagnostics); " +
                    $"{requests.Count} hovers, {unanswered} unanswered, {contentModified} ContentModified; server CPU in the 2nd second after settling {idleCpu * 100:F1}% of a core (its work) + {jitCpu * 100:F1}% (runtime tier-1 JIT thread); final text {text.Length} chars");
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        return result;
    }

    internal static (int Line, int Character) PositionOf(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart);
    }

    /// <summary>
    /// User + system CPU seconds of a process and of its ".NET Tiered Com" thread (the runtime's tiered-compilation worker),
    /// from /proc/pid/stat and /proc/pid/task/tid/{stat,comm}, 100 ticks per second.
    /// </summary>
    internal static (double Total, double TieredJit) CpuSecondsByThread(int pid)
    {
        var jit = 0.0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Tiered Com")
                    jit += Ticks(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return (CpuSeconds(pid), jit);
    }

    private static double Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    /// <summary>User + system CPU seconds of a process (/proc/pid/stat, 100 ticks per second).</summary>
    internal static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }
}
