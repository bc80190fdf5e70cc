using System.Diagnostics;
using System.Text.Json.Nodes;
using LearningMechanics.Frontends.Tests.Onnx;

namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>
/// The two-phase .onnx analysis through the server process: first diagnostics without eigenvalue spectra, the spectra in
/// the background with $/progress, refreshed diagnostics after them; long background work neither blocks requests nor
/// resists cancellation.
/// </summary>
public sealed class OnnxSpectraTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task OnnxFile_FirstDiagnostics_ThenSpectraWithProgress_ThenDiagnosticsWithTheFits()
    {
        var folder = Directory.CreateTempSubdirectory("lm-spectra-");
        try
        {
            // A random (untrained) 64x2048 layer: alpha > 6, a weights-undertrained finding once the spectrum is fitted.
            var factory = new OnnxModelFactory("random", seed: 3);
            var x = factory.Input("x", null, 2048);
            factory.Node("Gemm", [x, factory.Weight("w", [64, 2048], 2048)], OnnxModelFactory.Int("transB", 1));
            var path = factory.Save(Path.Combine(folder.FullName, "random.onnx"));
            var uri = new System.Uri(path).AbsoluteUri;
            await using var client = await StartAsync();

            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "onnx", version = 1, text = "" } });

            var first = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri, Wait);
            Assert.DoesNotContain(Codes(first), c => c.StartsWith("weights-", StringComparison.Ordinal));
            var end = await client.WaitForAsync("$/progress", p => Kind(p) == "end" && Token(p).StartsWith("lmech-spectra-", StringComparison.Ordinal), Wait);
            var token = Token(end);
            var progress = client.Notifications.Where(n => n.Method == "$/progress" && Token(n.Params) == token).Select(n => n.Params).ToList();
            Assert.Equal("begin", Kind(progress[0]));
            Assert.Contains(progress, p => Kind(p) == "report" && p!["value"]!["percentage"]?.GetValue<int>() == 100);
            Assert.Contains("1 of 1 layers fitted", end!["value"]!["message"]!.GetValue<string>());
            var second = await client.WaitForAsync("textDocument/publishDiagnostics",
                p => p?["uri"]?.GetValue<string>() == uri && Codes(p).Contains("weights-undertrained"), Wait);
            Assert.Equal(Codes(first).Count + 1, Codes(second).Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LongSpectra_DoNotBlockHover_AndStopWhenTheClientCancels()
    {
        var folder = Directory.CreateTempSubdirectory("lm-spectra-");
        try
        {
            // 24 layers of 512x1024: each spectrum is a 512x512 eigendecomposition, seconds in all on the build machine.
            var factory = new OnnxModelFactory("deep", seed: 4);
            var h = factory.Input("x", null, 1024);
            for (var i = 0; i < 24; i++)
            {
                h = factory.Node("Gemm", [h, factory.Weight($"w{i}", [1024, 512], 512, gain: 1)]);
                h = factory.Node("Gemm", [h, factory.Weight($"v{i}", [512, 1024], 1024, gain: 1)]);
            }
            var path = factory.Save(Path.Combine(folder.FullName, "deep.onnx"));
            var uri = new System.Uri(path).AbsoluteUri;
            await using var client = await StartAsync();

            await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "onnx", version = 1, text = "" } });
            await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri, Wait);
            var begin = await client.WaitForAsync("$/progress", p => Kind(p) == "begin" && Token(p).StartsWith("lmech-spectra-", StringComparison.Ordinal), Wait);
            var token = Token(begin);

            var clock = Stopwatch.StartNew();
            await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = 0, character = 0 } });
            var hoverMs = clock.Elapsed.TotalMilliseconds;
            var endedBeforeHover = client.Notifications.Any(n => n.Method == "$/progress" && Token(n.Params) == token && Kind(n.Params) == "end");
            Assert.False(endedBeforeHover, "the spectra finished before the hover was sent; the model is too small to test blocking");
            Assert.True(hoverMs < 5000, $"hover took {hoverMs:F0} ms while the spectra ran");

            await client.NotifyAsync("window/workDoneProgress/cancel", new { token });
            var end = await client.WaitForAsync("$/progress", p => Kind(p) == "end" && Token(p) == token, TimeSpan.FromSeconds(20));
            Assert.Equal("cancelled", end!["value"]!["message"]!.GetValue<string>());
            // Still serving after the cancel, and the cancelled spectra published nothing.
            await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = 0, character = 0 } });
            Assert.DoesNotContain(client.Notifications, n => n.Method == "textDocument/publishDiagnostics" && Codes(n.Params).Any(c => c.StartsWith("weights-", StringComparison.Ordinal)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<LspProcessClient> StartAsync()
    {
        var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new
        {
            processId = Environment.ProcessId,
            rootUri = (string?)null,
            capabilities = new { window = new { workDoneProgress = true } },
        });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    private static string? Kind(JsonNode? progress) => progress?["value"]?["kind"]?.GetValue<string>();

    private static string Token(JsonNode? progress) => progress?["token"]?.GetValue<string>() ?? "";

    private static List<string> Codes(JsonNode? diagnostics) =>
        diagnostics?["diagnostics"]?.AsArray().Select(d => d?["code"]?.ToString() ?? "").ToList() ?? [];
}
