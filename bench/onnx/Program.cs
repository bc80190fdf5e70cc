using System.Diagnostics;
using LearningMechanics.Analysis.Onnx;
using LearningMechanics.Bench.Onnx;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Frontends.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;

// Usage: dotnet run -c Release --project bench/onnx [-- speed [power-iteration steps] | mutations N]
// speed: one process; the server's first analysis phase (reader, weight statistics, power-iteration spectral norm, theory)
//        of a ResNet-18-sized file against ONNX Runtime's InferenceSession creation on the same file (medians of 9
//        alternating rounds), the background spectra phase, and the peak working set against the file size.
// mutations N: N randomly corrupted copies of the test models (bit flips, byte runs, truncation, splices); no exception,
//        none over 2 s, working set sampled every 1000 mutants.
var mode = args.FirstOrDefault() ?? "speed";
var folder = Path.Combine(Path.GetTempPath(), "lm-onnx-bench-" + Environment.ProcessId);
Directory.CreateDirectory(folder);
try
{
    return mode switch
    {
        "mutations" => Mutations(folder, args.Length > 1 ? int.Parse(args[1]) : 2000),
        "parts" => Parts(folder),
        "replay" => Replay(args[1]),
        _ => Speed(folder, args.Length > 1 ? int.Parse(args[1]) : OnnxReadOptions.Default.SpectralNormSteps),
    };
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static int Speed(string folder, int powerSteps)
{
    var path = ResNet18.Build().Save(Path.Combine(folder, "resnet18.onnx"));
    var fileBytes = new FileInfo(path).Length;
    // Warm-up on a small model so that JIT of both sides is not what is measured.
    var small = TestModels.SmallCnn().Save(Path.Combine(folder, "warm.onnx"));
    OnnxDocumentAnalyzer.Analyze(small, "warm");
    using (new InferenceSession(small)) { }
    GC.Collect();
    GC.WaitForPendingFinalizers();
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    var baseWorkingSet = process.WorkingSet64;

    var firstPhase = OnnxReadOptions.Default with { Spectra = false, SpectralNormSteps = powerSteps };
    // Memory first, before ONNX Runtime has allocated anything in this process: the peak during each phase of one analysis.
    var (peakFirst, managedFirst, peakSecond, managedSecond) = (0L, 0L, 0L, 0L);
    var progressReports = 0;
    {
        GC.Collect();
        var sampler = new PeakSampler();
        var probe = OnnxDocumentAnalyzer.Analyze(path, "bench", firstPhase);
        (peakFirst, managedFirst) = sampler.Stop();
        GC.Collect();
        sampler = new PeakSampler();
        OnnxDocumentAnalyzer.CompleteSpectra(probe, progress: new CountingProgress(() => progressReports++));
        (peakSecond, managedSecond) = sampler.Stop();
    }
    // Rounds alternate the two sides so that load on the shared machine hits both alike; the ratio is of the medians.
    var analysisTimes = new List<double>();
    var sessionTimes = new List<double>();
    var spectraTimes = new List<double>();
    OnnxDocumentAnalysis? analysis = null;
    for (var run = 0; run < 9; run++)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        analysis = OnnxDocumentAnalyzer.Analyze(path, "bench", firstPhase);
        analysisTimes.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        using (new InferenceSession(path)) { }
        sessionTimes.Add(clock.Elapsed.TotalMilliseconds);
    }
    OnnxDocumentAnalysis? completed = null;
    for (var run = 0; run < 3; run++)
    {
        var clock = Stopwatch.StartNew();
        completed = OnnxDocumentAnalyzer.CompleteSpectra(analysis!);
        spectraTimes.Add(clock.Elapsed.TotalMilliseconds);
    }
    var report = analysis!.Report!;
    var analysisMs = Median(analysisTimes);
    var sessionMs = Median(sessionTimes);
    Console.WriteLine($"file: {fileBytes / 1e6:F1} MB, {report.ParameterCount:N0} initializer values, {report.Layers.Length} weight layers, {report.Nodes.Length} nodes, cores {Environment.ProcessorCount}");
    Console.WriteLine($"first phase (read + weight statistics{(powerSteps > 0 ? $" + {powerSteps}-step power-iteration spectral norm" : "")} + theory) ms: {string.Join(", ", analysisTimes.Select(t => t.ToString("F0")))}");
    Console.WriteLine($"InferenceSession creation ms:       {string.Join(", ", sessionTimes.Select(t => t.ToString("F0")))}");
    Console.WriteLine($"second phase in the background (eigenvalues, alpha fits) ms: {string.Join(", ", spectraTimes.Select(t => t.ToString("F0")))} ({progressReports} progress reports)");
    Console.WriteLine($"ratio first phase / session (medians {analysisMs:F0} / {sessionMs:F0} ms): {analysisMs / sessionMs:F2}   (goal <= 0.5); second phase / session: {Median(spectraTimes) / sessionMs:F2}");
    foreach (var (phase, peak, managed) in new[] { ("first phase", peakFirst, managedFirst), ("second phase", peakSecond, managedSecond) })
    {
        Console.WriteLine($"{phase}: peak working set {peak / 1e6:F0} MB (process before: {baseWorkingSet / 1e6:F0} MB, growth {(peak - baseWorkingSet) / 1e6:F0} MB); " +
            $"growth / file size {(double)(peak - baseWorkingSet) / fileBytes:F2} (goal <= 1.5), whole process / file size {(double)peak / fileBytes:F2}; peak managed heap {managed / 1e6:F0} MB");
    }
    var layers = completed!.Report!.Layers;
    if (powerSteps > 0)
    {
        var normError = layers.Zip(report.Layers).Where(p => p.First.Spectrum.StartsWith("exact") && p.Second.SpectralNorm is not null)
            .Select(p => Math.Abs(p.Second.SpectralNorm!.Value / p.First.SpectralNorm!.Value - 1)).DefaultIfEmpty(double.NaN).Max();
        Console.WriteLine($"first-phase spectral norm ({powerSteps} power-iteration steps) vs exact eigenvalues, max relative error over exactly decomposed layers: {normError:P1}");
    }
    Console.WriteLine($"spectra: {layers.Count(l => l.Fit.Status == PowerLawFitStatus.Success)} fitted, {layers.Count(l => l.Fit.Status == PowerLawFitStatus.Failed)} failed, {layers.Count(l => l.Spectrum.StartsWith("estimated"))} from samples; findings: {string.Join(", ", completed.Document.Findings.Select(f => f.Code).Distinct())}");
    return 0;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// One file through the server's two-phase path, with the whole exception when it throws (a crash kept by the mutation run).
static int Replay(string path)
{
    try
    {
        var result = OnnxDocumentAnalyzer.CompleteSpectra(OnnxDocumentAnalyzer.Analyze(path, "replay", OnnxReadOptions.Default with { Spectra = false }));
        Console.WriteLine(string.Join("\n", result.Document.Findings.Select(f => $"{f.Code}: {f.Message}")));
        return 0;
    }
    catch (Exception e)
    {
        Console.WriteLine(e);
        return 1;
    }
}

static int Parts(string folder)
{
    var path = ResNet18.Build().Save(Path.Combine(folder, "resnet18.onnx"));
    for (var run = 0; run < 2; run++)
    {
        var clock = Stopwatch.StartNew();
        var plain = OnnxReader.Read(path, new OnnxReadOptions { Spectra = false });
        var readMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var withSpectra = OnnxReader.Read(path);
        var spectraMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        LearningMechanics.Analysis.ModelAnalyzer.Analyze(plain.Models[0]);
        var theoryMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        LearningMechanics.Theory.TheoryEngine.Analyze(plain.Models[0]);
        var engineMs = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"read without spectra {readMs:F0} ms, with spectra {spectraMs:F0} ms, ModelAnalyzer {theoryMs:F0} ms (TheoryEngine alone {engineMs:F0} ms)");
    }
    var reference = OnnxReader.Read(path).Report!.Layers;
    foreach (var (rows, cols) in new[] { (512, 1024), (256, 1024), (256, 512), (128, 512), (128, 256) })
    {
        var clock = Stopwatch.StartNew();
        var layers = OnnxReader.Read(path, new OnnxReadOptions { SpectrumMaxRows = rows, SpectrumMaxColumns = cols }).Report!.Layers;
        var ms = clock.Elapsed.TotalMilliseconds;
        var alphaError = layers.Zip(reference).Where(p => p.First.Fit.Alpha is not null && p.Second.Fit.Alpha is not null)
            .Select(p => Math.Abs(p.First.Fit.Alpha!.Value - p.Second.Fit.Alpha!.Value)).DefaultIfEmpty(double.NaN).Max();
        var normError = layers.Zip(reference).Select(p => Math.Abs(p.First.SpectralNorm!.Value / p.Second.SpectralNorm!.Value - 1)).Max();
        Console.WriteLine($"spectra cap {rows}x{cols}: {ms:F0} ms; max |alpha - alpha(512x1024)| {alphaError:F2}, max spectral-norm error {normError:P0}");
    }
    return 0;
}

static int Mutations(string folder, int count)
{
    var models = new[] { TestModels.Mlp(), TestModels.PatternMlp(), TestModels.SmallCnn(), TestModels.ResidualBlock(),
            MappingTestModels.DynamicReshape(), MappingTestModels.LayerNormDecomposed(), MappingTestModels.GeluTanh(), MappingTestModels.IfLoop() }
        .Select((m, i) => File.ReadAllBytes(m.Save(Path.Combine(folder, $"m{i}.onnx")))).ToArray();
    var random = new Random(2024);
    var path = Path.Combine(folder, "mutant.onnx");
    var (crashes, slow, unreadable) = (0, 0, 0);
    var (slowest, slowestCpu, slowWall) = (0.0, 0.0, 0);
    using var process = Process.GetCurrentProcess();
    var workingSets = new List<long>();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var bytes = (byte[])models[random.Next(models.Length)].Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var k = random.Next(1, 16); k > 0; k--)
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                var start = random.Next(bytes.Length);
                for (var k = start; k < Math.Min(bytes.Length, start + random.Next(1, 64)); k++)
                    bytes[k] = (byte)random.Next(256);
                break;
            case 2:
                bytes = bytes[..random.Next(bytes.Length)];
                break;
            default:
                var from = random.Next(bytes.Length);
                var to = random.Next(bytes.Length);
                var length = random.Next(1, 256);
                bytes = [.. bytes[..to], .. bytes.Skip(from).Take(length), .. bytes[to..]];
                break;
        }
        File.WriteAllBytes(path, bytes);
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var one = Stopwatch.StartNew();
        try
        {
            // The server's path: the first phase, then the spectra.
            var result = OnnxDocumentAnalyzer.CompleteSpectra(OnnxDocumentAnalyzer.Analyze(path, "m" + i, OnnxReadOptions.Default with { Spectra = false }));
            if (result.Document.Findings.Any(f => f.Code == "onnx-unreadable"))
                unreadable++;
        }
        catch (Exception e)
        {
            crashes++;
            Console.WriteLine($"mutant {i}: {e.GetType().Name}: {e.Message}");
            File.Copy(path, Path.Combine(Path.GetTempPath(), $"lm-onnx-crash-{i}.onnx"), overwrite: true);
        }
        var elapsed = one.Elapsed.TotalSeconds;
        process.Refresh();
        // CPU time of the whole process (all threads) for this case: what the case cost, whatever else shares the machine.
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        slowest = Math.Max(slowest, elapsed);
        slowestCpu = Math.Max(slowestCpu, cpu);
        if (elapsed > 2)
            slowWall++;
        if (cpu > 2)
            slow++;
        if (elapsed > 2 || cpu > 2)
            Console.WriteLine($"mutant {i}: {elapsed * 1000:F0} ms wall, {cpu * 1000:F0} ms CPU");
        if (i % 1000 == 999)
        {
            process.Refresh();
            workingSets.Add(process.WorkingSet64);
            if (i % 2000 == 1999)
                Console.WriteLine($"{i + 1} mutants, {clock.Elapsed.TotalSeconds:F0} s, working set {process.WorkingSet64 / 1e6:F0} MB");
        }
    }
    var firstTenth = workingSets.Take(Math.Max(workingSets.Count / 10, 1)).DefaultIfEmpty(0).Max();
    Console.WriteLine($"mutants: {count}, exceptions: {crashes}, over 2 s of CPU: {slow} (slowest {slowestCpu * 1000:F0} ms), over 2 s wall clock: {slowWall} (slowest {slowest * 1000:F0} ms), unreadable: {unreadable}, total {clock.Elapsed.TotalSeconds:F1} s");
    Console.WriteLine($"working set every 1000 mutants: max {workingSets.DefaultIfEmpty(0).Max() / 1e6:F0} MB, max in the first tenth {firstTenth / 1e6:F0} MB, last {workingSets.DefaultIfEmpty(0).Last() / 1e6:F0} MB");
    return crashes == 0 && slow == 0 ? 0 : 1;
}

internal sealed class CountingProgress(Action onReport) : IProgress<OnnxSpectraProgress>
{
    public void Report(OnnxSpectraProgress value) => onReport();
}

/// <summary>Samples the working set and the managed heap every 5 ms on a background thread until stopped.</summary>
internal sealed class PeakSampler
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peakWorkingSet;
    private long _peakManaged;

    public PeakSampler()
    {
        _thread = new Thread(() =>
        {
            using var process = Process.GetCurrentProcess();
            while (!_stop)
            {
                process.Refresh();
                _peakWorkingSet = Math.Max(_peakWorkingSet, process.WorkingSet64);
                _peakManaged = Math.Max(_peakManaged, GC.GetTotalMemory(false));
                Thread.Sleep(5);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public (long WorkingSet, long Managed) Stop()
    {
        _stop = true;
        _thread.Join();
        return (_peakWorkingSet, _peakManaged);
    }
}
