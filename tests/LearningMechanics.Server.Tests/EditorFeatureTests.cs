using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>Issue 7 features over the real server process: configuration pull, file watching, status, code actions, inlay hints, report.</summary>
public sealed class EditorFeatureTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Session_ConfigurationWatchersStatusCodeActionsInlayHintsReport()
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll) { Settings = new JsonObject { ["inlayHints"] = new JsonObject { ["enable"] = true } } };
        var init = await client.RequestAsync("initialize", new
        {
            processId = Environment.ProcessId,
            capabilities = new
            {
                workspace = new { configuration = true, didChangeWatchedFiles = new { dynamicRegistration = true }, inlayHint = new { refreshSupport = true } },
            },
        });
        Assert.Equal("quickfix", init!["capabilities"]!["codeActionProvider"]!["codeActionKinds"]![0]!.GetValue<string>());
        Assert.True(init["capabilities"]!["inlayHintProvider"]!.GetValue<bool>());
        await client.NotifyAsync("initialized", new { });

        var registration = await client.WaitForAsync("client/registerCapability", _ => true, Wait);
        var globs = registration!["registrations"]![0]!["registerOptions"]!["watchers"]!.AsArray().Select(w => w!["globPattern"]!.GetValue<string>()).ToList();
        Assert.Equal(["**/*.onnx", "**/*.cs", "**/learningmechanics.json"], globs);
        await client.WaitForAsync("workspace/configuration", p => p?["items"]?[0]?["section"]?.GetValue<string>() == "learningMechanics", Wait);
        await client.WaitForAsync("learningMechanics/serverStatus", p => p?["state"]?.GetValue<string>() == "ready", Wait);

        // Critical init: the action inserts kaiming_normal_ for fc1 before RegisterComponents(); applied, fc1's σw² becomes 2.
        var deep = await OpenAsync(client, "DeepReluDefaultInit.cs");
        var fc1Line = Line(deep.Text, "Linear fc1 = ");
        var actions = await CodeActionsAsync(client, deep.Uri, fc1Line);
        var init1 = actions.Single(a => a["title"]!.GetValue<string>().StartsWith("Use critical initialisation", StringComparison.Ordinal));
        var edited = Apply(deep.Text, init1["edit"]!["changes"]![deep.Uri]!.AsArray());
        Assert.Contains("        init.kaiming_normal_(fc1.weight, nonlinearity: init.NonlinearityType.ReLU);\n        RegisterComponents();", edited);
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri = deep.Uri, version = 2 }, contentChanges = new[] { new { text = edited } } });
        var hover = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri = deep.Uri }, position = new { line = fc1Line, character = 40 } });
        Assert.Contains("σw² = 2", hover!["contents"]!["value"]!.GetValue<string>());
        Assert.DoesNotContain(await CodeActionsAsync(client, deep.Uri, fc1Line), a => a["title"]!.GetValue<string>().Contains("fc1"));

        // Safe learning rate: a rate far above the limit is replaced by 0.8 × the limit, and the warning goes away.
        var mlp = File.ReadAllText(Path.Combine(RepoPaths.Samples, "Mlp3.cs")).Replace("model.parameters(), 0.01)", "model.parameters(), 50.0)");
        var uri = "file:///tmp/lm-tests/Mlp3Fast.cs";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = mlp } });
        var lrLine = Line(mlp, "50.0");
        var lrAction = (await CodeActionsAsync(client, uri, lrLine)).Single(a => a["title"]!.GetValue<string>().StartsWith("Set learning rate", StringComparison.Ordinal));
        var fixedText = Apply(mlp, lrAction["edit"]!["changes"]![uri]!.AsArray());
        Assert.DoesNotContain("50.0", fixedText);
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = fixedText } } });
        await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri && p?["version"]?.GetValue<int>() == 2
            && !p["diagnostics"]!.AsArray().Any(d => d!["code"]?.GetValue<string>() == "lr-above-stability-limit"), Wait);

        // Inlay hints: the output shape after each layer constructor (enabled by the pulled setting).
        var hints = await client.RequestAsync("textDocument/inlayHint", new { textDocument = new { uri }, range = new { start = new { line = 0, character = 0 }, end = new { line = 100, character = 0 } } });
        Assert.Contains(hints!.AsArray(), h => h!["label"]!.GetValue<string>().StartsWith("→ [", StringComparison.Ordinal) && h["label"]!.GetValue<string>().Contains("128]"));

        // Mid-edit (the Sequential call left open): the lenses stay.
        var halfTyped = fixedText.Replace("(\"fc3\", Linear(64, 10)));", "(\"fc3\", Linear(64, ", StringComparison.Ordinal);
        Assert.NotEqual(fixedText, halfTyped);
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 3 }, contentChanges = new[] { new { text = halfTyped } } });
        var midEditLenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Contains(midEditLenses!.AsArray(), l => l!["command"]!["title"]!.GetValue<string>().Contains("params"));
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 4 }, contentChanges = new[] { new { text = fixedText } } });

        // Report: predicted q per layer for C#; for ONNX also the stored weights and the ONNX Runtime probe.
        var report = await client.RequestAsync("learningMechanics/report", new { uri });
        Assert.Contains(report!["models"]![0]!["layers"]!.AsArray(), l => l!["predictedQ"] is not null);
        var onnxUri = new System.Uri(Path.Combine(RepoPaths.Samples, "onnx", "mlp.onnx")).AbsoluteUri;
        var onnx = await client.RequestAsync("learningMechanics/report", new { uri = onnxUri });
        Assert.NotNull(onnx!["onnx"]);
        var layers = onnx["models"]![0]!["layers"]!.AsArray();
        Assert.Contains(layers, l => l!["weights"] is not null && l["weights"]!["sigmaW2"] is not null);
        Assert.Contains(layers, l => l!["probeQ"] is not null);

        // A deleted file that is not open: its diagnostics are cleared.
        var gone = "file:///tmp/lm-tests/Deleted.cs";
        await client.NotifyAsync("workspace/didChangeWatchedFiles", new { changes = new[] { new { uri = gone, type = 3 } } });
        await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == gone && p["diagnostics"]!.AsArray().Count == 0, Wait);

        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task Validation_CancelOnItsProgress_StopsTheTrainerAndReportsCancelled()
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { window = new { workDoneProgress = true } } });
        await client.NotifyAsync("initialized", new { });
        var deep = await OpenAsync(client, "DeepReluDefaultInit.cs");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var validate = client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { deep.Uri } });
        var begin = await client.WaitForAsync("$/progress", p => p?["value"]?["kind"]?.GetValue<string>() == "begin", Wait);
        Assert.True(begin!["value"]!["cancellable"]!.GetValue<bool>());
        await client.NotifyAsync("window/workDoneProgress/cancel", new { token = begin["token"]!.GetValue<string>() });
        // The trainer is stopped and the run reports itself as not completed (a cancelled run is a result, not an error).
        var summary = (await validate)!.AsArray().Single()!;
        Assert.Equal("validation-failed", summary["outcome"]!.GetValue<string>());
        Assert.Contains("cancelled", summary["message"]!.GetValue<string>());
        await client.WaitForAsync("$/progress", p => p?["value"]?["kind"]?.GetValue<string>() == "end", Wait);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {started.Elapsed}");
    }

    private sealed record Opened(string Uri, string Text);

    private static async Task<Opened> OpenAsync(LspProcessClient client, string sample)
    {
        var path = Path.Combine(RepoPaths.Samples, sample);
        var text = await File.ReadAllTextAsync(path);
        var uri = new System.Uri(path).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text } });
        return new Opened(uri, text);
    }

    private static async Task<List<JsonNode>> CodeActionsAsync(LspProcessClient client, string uri, int line)
    {
        var result = await client.RequestAsync("textDocument/codeAction", new
        {
            textDocument = new { uri },
            range = new { start = new { line, character = 0 }, end = new { line, character = 0 } },
            context = new { diagnostics = Array.Empty<object>() },
        });
        return result!.AsArray().Select(a => a!).ToList();
    }

    /// <summary>Applies LSP text edits (non-overlapping, any order) to <paramref name="text"/>.</summary>
    private static string Apply(string text, JsonArray edits)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n')
                lineStarts.Add(i + 1);
        int Offset(JsonNode position) => lineStarts[position["line"]!.GetValue<int>()] + position["character"]!.GetValue<int>();
        foreach (var edit in edits.Select(e => e!).OrderByDescending(e => Offset(e["range"]!["start"]!)))
        {
            var start = Offset(edit["range"]!["start"]!);
            var end = Offset(edit["range"]!["end"]!);
            text = text[..start] + edit["newText"]!.GetValue<string>() + text[end..];
        }
        return text;
    }

    private static int Line(string text, string needle) =>
        text.Split('\n').Select((line, index) => (line, index)).First(x => x.line.Contains(needle, StringComparison.Ordinal)).index;
}
