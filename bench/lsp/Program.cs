using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LearningMechanics.Bench.Lsp;
using LearningMechanics.Frontends.Tests.Onnx;

// Usage: dotnet run -c Release --project bench/lsp -- <mode> [args]
//   latency [rounds=5]          hover p50/p99 (2,000-line file, 50 models) vs hover on an empty document; didChange -> diagnostics; first diagnostics on samples/
//   first [repeats=7]           only the last part of latency: first diagnostics after initialize on samples/, fresh server per repeat
//   workspace [files=500]       open N model files (C# and ONNX, half each): time to all diagnostics, server RSS
//   storm [edits=10000] [seed]  didChange storm with interleaved hovers; final diagnostics vs a fresh analysis; CPU after it
//   kills [n=100] [seed]        SIGKILL the trainer at random points of server-side validations
//   fuzz-rpc [cases=5000] [seed] [seconds=600]   malformed JSON-RPC against the server process
//   fuzz-cs [cases=20000] [seed] [seconds=600]   random and truncated C# through the TorchSharp reader + analysis
// Every mode prints its figures with the goal from issue 8 and exits 1 when a correctness property fails.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var mode = args.FirstOrDefault() ?? "latency";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
Console.WriteLine($"server: {Session.ServerDll}");
return mode switch
{
    "latency" => await Latency(Arg(1, 5)),
    "workspace" => await WorkspaceScale(Arg(1, 500)),
    "first" => await FirstDiagnostics(Arg(1, 7)),
    "storm" => await Storm(Arg(1, 10_000), Arg(2, 1)),
    "kills" => (await LearningMechanics.Server.Tests.Reliability.TrainerKills.RunAsync(Session.ServerDll, Arg(1, 100), Arg(2, 1), Console.WriteLine)).Passed ? 0 : 1,
    "fuzz-rpc" => await RpcFuzz.RunAsync(Arg(1, 5000), Arg(2, 1), TimeSpan.FromSeconds(Arg(3, 600))),
    "fuzz-cs" => CSharpFuzz.Run(Arg(1, 20_000), Arg(2, 1), TimeSpan.FromSeconds(Arg(3, 600))),
    "analyze" => AnalyzeOnce(Arg(1, 50)),
    "analyze-file" => AnalyzeFile(args[1]),
    _ => Usage(),
};

// In process: one analysis of the generated file with N models (what the server does on didOpen), with its time.
static int AnalyzeOnce(int models)
{
    var text = Workload.TorchSharpFile(models, lines: 40 * models, seed: 8);
    foreach (var pass in new[] { "cold", "warm" })
    {
        var clock = Stopwatch.StartNew();
        var analysis = new LearningMechanics.Analysis.Analyzer().Analyze($"/bench/{pass}.cs", text);
        Console.WriteLine($"{pass}: {models} models, {analysis.Models.Length} read, {analysis.Findings.Length} findings in {Measure.Ms(clock):F0} ms");
    }
    return 0;
}

static int AnalyzeFile(string path)
{
    var clock = Stopwatch.StartNew();
    var analysis = new LearningMechanics.Analysis.Analyzer().Analyze(Path.GetFullPath(path), File.ReadAllText(path));
    Console.WriteLine($"{path}: {analysis.Models.Length} models, {analysis.Findings.Length} findings in {Measure.Ms(clock):F0} ms");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("modes: latency | workspace | storm | kills | fuzz-rpc | fuzz-cs");
    return 2;
}

static async Task<int> Latency(int rounds)
{
    var folder = Directory.CreateTempSubdirectory("lm-lsp-bench-").FullName;
    try
    {
        var text = Workload.TorchSharpFile(models: 50, lines: 2000, seed: 8);
        var path = Path.Combine(folder, "Models50.cs");
        File.WriteAllText(path, text);
        var uri = Session.Uri(path);
        var emptyUri = Session.Uri(Path.Combine(folder, "Empty.cs"));
        await using var session = await Session.StartAsync(folder);
        var clock = Stopwatch.StartNew();
        await session.OpenAsync(uri, text);
        await session.OpenAsync(emptyUri, "");
        var first = await session.DiagnosticsAsync(uri, timeout: TimeSpan.FromMinutes(20));
        await session.DiagnosticsAsync(emptyUri);
        Console.WriteLine($"2,000-line file ({text.Split('\n').Length - 1} lines, 50 models, {text.Length / 1024} KB): first diagnostics {Measure.Ms(clock):F0} ms after didOpen, {first.Count} diagnostics");

        // Hover: warm-up, then rounds of interleaved pairs (model hover, empty-document hover), side by side.
        var positions = Workload.LinearPositions(text);
        for (var i = 0; i < 100; i++)
        {
            await session.HoverAsync(uri, positions[i % positions.Count].Line, positions[i % positions.Count].Character);
            await session.HoverAsync(emptyUri, 0, 0);
        }
        var hover = new List<double>();
        var baseline = new List<double>();
        var roundP99 = new List<double>();
        var roundRatio = new List<double>();
        var nonEmpty = 0;
        for (var round = 0; round < rounds; round++)
        {
            var h = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var (line, character) = positions[(round * 200 + i) % positions.Count];
                var one = Stopwatch.StartNew();
                var result = await session.HoverAsync(uri, line, character);
                h.Add(Measure.Ms(one));
                nonEmpty += result is null ? 0 : 1;
                one.Restart();
                await session.HoverAsync(emptyUri, 0, 0);
                b.Add(Measure.Ms(one));
            }
            hover.AddRange(h);
            baseline.AddRange(b);
            roundP99.Add(Measure.Percentile(h, 99));
            roundRatio.Add(Measure.Percentile(h, 50) / Measure.Percentile(b, 50));
        }
        Console.WriteLine($"hover, 2,000-line file: p50 {Measure.Median(hover):F2} ms, p99 {Measure.Percentile(hover, 99):F2} ms (median of {rounds} round p99s {Measure.Median(roundP99):F2} ms; goal p99 <= 10 ms); {nonEmpty}/{hover.Count} hovers had content");
        Console.WriteLine($"  baseline hover on an empty document: p50 {Measure.Median(baseline):F2} ms, p99 {Measure.Percentile(baseline, 99):F2} ms; ratio p50/p50 median over rounds {Measure.Median(roundRatio):F2}, p99/p99 {Measure.Percentile(hover, 99) / Measure.Percentile(baseline, 99):F2}");

        // didChange -> fresh diagnostics (push): replace one learning rate; wait for the publish of that version.
        // Every edit re-analyses the whole document, so the 50-model file gets few edits and a one-model file many.
        var smallText = File.ReadAllText(Path.Combine(Session.Root, "samples", "Mlp3.cs"));
        var smallUri = Session.Uri(Path.Combine(folder, "Mlp3.cs"));
        await session.OpenAsync(smallUri, smallText);
        await session.DiagnosticsAsync(smallUri);
        foreach (var (name, docUri, docText, edits) in new[] { ("1-model file (Mlp3.cs)", smallUri, smallText, 20 * Math.Max(1, rounds / 2)), ("2,000-line 50-model file", uri, text, 2) })
        {
            var lines = docText.Split('\n');
            var optimizerLines = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains("optim.SGD", StringComparison.Ordinal)).ToArray();
            var changeTimes = new List<double>();
            var version = 1;
            for (var i = 0; i < edits; i++)
            {
                var line = optimizerLines[i % optimizerLines.Length];
                var column = lines[line].LastIndexOf(')') - 4;
                var replacement = i % 2 == 0 ? "9.99" : lines[line].Substring(column, 4);
                version++;
                var one = Stopwatch.StartNew();
                await session.Client.NotifyAsync("textDocument/didChange", new
                {
                    textDocument = new { uri = docUri, version },
                    contentChanges = new[] { new { range = new { start = new { line, character = column }, end = new { line, character = column + 4 } }, text = replacement } },
                });
                await session.DiagnosticsAsync(docUri, version, TimeSpan.FromMinutes(15));
                changeTimes.Add(Measure.Ms(one));
            }
            Console.WriteLine($"didChange -> fresh diagnostics, {name} (push, 50 ms debounce included): median {Measure.Median(changeTimes):F1} ms, p90 {Measure.Percentile(changeTimes, 90):F1} ms, max {changeTimes.Max():F1} ms over {changeTimes.Count} edits (goal <= 150 ms); ratio median/goal {Measure.Median(changeTimes) / 150:F2}, median/empty-hover p50 {Measure.Median(changeTimes) / Measure.Median(baseline):F0}");
        }
        await session.ShutdownAsync();
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }

    return await FirstDiagnostics(Math.Max(3, rounds));
}

// First diagnostics after initialize on samples/: a fresh server per repeat; every sample opened right after initialized.
static async Task<int> FirstDiagnostics(int repeats)
{
    var samples = Directory.GetFiles(Path.Combine(Session.Root, "samples"), "*.*", SearchOption.AllDirectories)
        .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".onnx", StringComparison.Ordinal)).Order().ToArray();
    // Repeats alternate the server's warm-up on and off (LMECH_WARMUP=0), so that both see the same machine load.
    var results = new Dictionary<bool, (List<double> All, List<double> Any, List<double> Spawn, List<double> Initialize)>
    {
        [true] = ([], [], [], []),
        [false] = ([], [], [], []),
    };
    for (var repeat = 0; repeat < 2 * repeats; repeat++)
    {
        var warm = repeat % 2 == 0;
        var (firstAll, firstAny, fromSpawn, initialize) = results[warm];
        var spawn = Stopwatch.StartNew();
        var client = new LearningMechanics.Server.Tests.LspProcessClient(Session.ServerDll, warm ? null : new Dictionary<string, string> { ["LMECH_WARMUP"] = "0" });
        await using var _ = client;
        var clock = Stopwatch.StartNew();
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, rootUri = Session.Uri(Path.Combine(Session.Root, "samples")), capabilities = new { } });
        initialize.Add(Measure.Ms(clock));
        var afterInitialize = Stopwatch.StartNew();
        await client.NotifyAsync("initialized", new { });
        foreach (var sample in samples)
        {
            var onnx = sample.EndsWith(".onnx", StringComparison.Ordinal);
            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = Session.Uri(sample), languageId = onnx ? "onnx" : "csharp", version = 1, text = onnx ? "" : File.ReadAllText(sample) } });
        }
        var pending = samples.Select(Session.Uri).ToHashSet();
        double? any = null;
        while (pending.Count > 0)
        {
            var published = await client.WaitForAsync("textDocument/publishDiagnostics", p => pending.Contains(p!["uri"]!.GetValue<string>()), Session.Wait);
            any ??= Measure.Ms(afterInitialize);
            pending.Remove(published!["uri"]!.GetValue<string>());
        }
        firstAll.Add(Measure.Ms(afterInitialize));
        firstAny.Add(any!.Value);
        fromSpawn.Add(Measure.Ms(spawn));
    }
    foreach (var warm in new[] { true, false })
    {
        var (firstAll, firstAny, fromSpawn, initialize) = results[warm];
        Console.WriteLine($"first diagnostics after initialize, samples/ ({samples.Length} files, fresh server x{firstAll.Count}, warm-up {(warm ? "on" : "off")}): all files {string.Join(", ", firstAll.Select(t => t.ToString("F0")))} ms; first file median {Measure.Median(firstAny):F0} ms, all files median {Measure.Median(firstAll):F0} ms (goal <= 1,500 ms); from process spawn median {Measure.Median(fromSpawn):F0} ms; baseline initialize round trip median {Measure.Median(initialize):F0} ms; ratio all/goal {Measure.Median(firstAll) / 1500:F2}");
    }
    Console.WriteLine($"ratio all files median, warm-up on / off: {Measure.Median(results[true].All) / Measure.Median(results[false].All):F2}");
    return 0;
}

static async Task<int> WorkspaceScale(int files)
{
    var folder = Directory.CreateTempSubdirectory("lm-lsp-workspace-").FullName;
    try
    {
        var builders = new Func<int, OnnxModelFactory>[] { s => TestModels.Mlp(s), s => TestModels.PatternMlp(s), s => TestModels.SmallCnn(s), s => TestModels.ResidualBlock(s) };
        var paths = new List<string>();
        for (var fileIdx = 0; fileIdx < files; fileIdx++)
        {
            var path = Path.Combine(folder, fileIdx % 2 == 0 ? $"Model{fileIdx:D3}.cs" : $"model{fileIdx:D3}.onnx");
            if (fileIdx % 2 == 0)
                File.WriteAllText(path, Workload.TorchSharpFile(models: 2, lines: 40, seed: fileIdx));
            else
                builders[fileIdx / 2 % builders.Length](fileIdx).Save(path);
            paths.Add(path);
        }
        var bytes = paths.Sum(p => new FileInfo(p).Length);
        await using var session = await Session.StartAsync(folder);
        await Task.Delay(500);
        var (idleRss, _) = Measure.Memory(session.Client.ProcessId);
        var clock = Stopwatch.StartNew();
        foreach (var path in paths)
        {
            var onnx = path.EndsWith(".onnx", StringComparison.Ordinal);
            await session.OpenAsync(Session.Uri(path), onnx ? "" : File.ReadAllText(path), onnx ? "onnx" : "csharp");
        }
        var sent = Measure.Ms(clock);
        var pending = paths.Select(Session.Uri).ToHashSet();
        var peakSampled = 0.0;
        while (pending.Count > 0)
        {
            var published = await session.Client.WaitForAsync("textDocument/publishDiagnostics", p => pending.Contains(p!["uri"]!.GetValue<string>()), TimeSpan.FromMinutes(30));
            pending.Remove(published!["uri"]!.GetValue<string>());
            peakSampled = Math.Max(peakSampled, Measure.Memory(session.Client.ProcessId).RssMb);
        }
        var total = Measure.Ms(clock);
        var (rssFirst, peakFirst) = Measure.Memory(session.Client.ProcessId);
        // The ONNX spectra run in the background after the first diagnostics; each file's second push carries them.
        var onnxUris = paths.Where(p => p.EndsWith(".onnx", StringComparison.Ordinal)).Select(Session.Uri).ToHashSet();
        int Pushes(string uri) => session.Client.Notifications.Count(n => n.Method == "textDocument/publishDiagnostics" && n.Params?["uri"]?.GetValue<string>() == uri);
        var spectraDeadline = Stopwatch.StartNew();
        while (onnxUris.Any(u => Pushes(u) < 2) && spectraDeadline.Elapsed < TimeSpan.FromMinutes(20))
        {
            await Task.Delay(500);
            peakSampled = Math.Max(peakSampled, Measure.Memory(session.Client.ProcessId).RssMb);
        }
        var spectraTotal = Measure.Ms(clock);
        var spectraDone = onnxUris.Count(u => Pushes(u) >= 2);
        var (rss, peak) = Measure.Memory(session.Client.ProcessId);
        Console.WriteLine($"workspace: {files} files ({files - files / 2} C# with 2 models each, {files / 2} ONNX), {bytes / 1024} KB; all opened in {sent:F0} ms");
        Console.WriteLine($"  full analysis (last first diagnostics) {total:F0} ms = {total / files:F1} ms/file; server RSS then {rssFirst:F0} MB, peak (VmHWM) {peakFirst:F0} MB");
        Console.WriteLine($"  ONNX spectra in the background: {spectraDone} of {onnxUris.Count} files refreshed, last {spectraTotal:F0} ms after the first didOpen");
        Console.WriteLine($"  server RSS {rss:F0} MB after, peak (VmHWM) {peak:F0} MB (goal <= 500 MB; ratio peak/goal {peak / 500:F2}); idle server before opening {idleRss:F0} MB (ratio peak/idle {peak / idleRss:F1})");
        await session.ShutdownAsync();
        return peak <= 500 ? 0 : 1;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

static async Task<int> Storm(int edits, int seed)
{
    var result = await LearningMechanics.Server.Tests.Reliability.DidChangeStorm.RunAsync(Session.ServerDll, edits, seed, Console.WriteLine);
    return result.Passed ? 0 : 1;
}
