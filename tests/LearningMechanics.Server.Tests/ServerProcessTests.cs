using System.Text.Json.Nodes;
using StreamJsonRpc;

namespace LearningMechanics.Server.Tests;

/// <summary>End-to-end: the real server process, spoken to over stdio as an editor would.</summary>
public sealed class ServerProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Session_InitializeOpenHoverLensValidateShutdown_ExitsZero()
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        var init = await client.RequestAsync("initialize", new
        {
            processId = Environment.ProcessId,
            rootUri = Uri(RepoPaths.Samples),
            capabilities = new { window = new { workDoneProgress = true } },
        });
        Assert.True(init!["capabilities"]!["hoverProvider"]!.GetValue<bool>());
        Assert.Equal(2, init["capabilities"]!["textDocumentSync"]!["change"]!.GetValue<int>());
        await client.NotifyAsync("initialized", new { });

        // Hover on Linear(784, 128): exact parameter count and the default init variance.
        var mlp = await OpenAsync(client, "Mlp3.cs");
        var (line, character) = TextPositions.Find(mlp.Text, "Linear(784, 128)");
        var hover = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri = mlp.Uri }, position = new { line, character = character + 3 } });
        var hoverText = hover!["contents"]!["value"]!.GetValue<string>();
        Assert.Contains("100,480", hoverText);
        Assert.Contains("σw² = 0.333", hoverText);

        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri = mlp.Uri } });
        var titles = lenses!.AsArray().Select(l => l!["command"]!["title"]!.GetValue<string>()).ToList();
        Assert.Contains(titles, t => t.Contains("109,386 params"));
        Assert.Contains(lenses.AsArray(), l => l!["command"]!["command"]!.GetValue<string>() == "learningMechanics.validate");
        // The rate lens carries its out-of-regime reason as the command's tooltip (LSP 3.18); the others send none.
        Assert.Contains(lenses.AsArray(), l => l!["command"]!["tooltip"]?.GetValue<string>().StartsWith("Out of regime: rich", StringComparison.Ordinal) == true);
        Assert.Contains(lenses.AsArray(), l => l!["command"]!.AsObject().ContainsKey("tooltip") == false);

        // Shape mismatch: an error on the Linear that receives the wrong width.
        var mismatch = await OpenAsync(client, "ShapeMismatch.cs");
        var mismatchDiagnostics = await DiagnosticsAsync(client, mismatch.Uri, d => d.Any(x => Code(x) == "shape-mismatch"));
        var shapeError = mismatchDiagnostics.Single(x => Code(x) == "shape-mismatch");
        Assert.Equal(1, shapeError["severity"]!.GetValue<int>());
        Assert.Equal(TextPositions.Find(mismatch.Text, "Linear(128, 10)").Line, shapeError["range"]!["start"]!["line"]!.GetValue<int>());

        // Default-init ReLU: vanishing signal at 1/6 per layer; He init: no such warning.
        var deep = await OpenAsync(client, "DeepReluDefaultInit.cs");
        var deepDiagnostics = await DiagnosticsAsync(client, deep.Uri, d => d.Any(x => Code(x) == "vanishing-signal"));
        Assert.Contains("1/6", deepDiagnostics.First(x => Code(x) == "vanishing-signal")["message"]!.GetValue<string>());
        var he = await OpenAsync(client, "DeepReluHeInit.cs");
        var heDiagnostics = await DiagnosticsAsync(client, he.Uri, _ => true);
        Assert.DoesNotContain(heDiagnostics, x => Code(x) is "vanishing-signal" or "exploding-signal");

        // Validate: the trainer measures q per layer; the verdict comes back as a diagnostic.
        var result = await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { deep.Uri, "DeepReluDefaultInit" } });
        Assert.NotNull(result);
        var verdict = await DiagnosticsAsync(client, deep.Uri, d => d.Any(x => Code(x) is "prediction-confirmed" or "prediction-refuted" or "validation-failed"));
        var verdictDiagnostic = verdict.First(x => Code(x) is "prediction-confirmed" or "prediction-refuted" or "validation-failed");
        Assert.True(Code(verdictDiagnostic) == "prediction-confirmed", verdictDiagnostic["message"]!.GetValue<string>());
        Assert.Equal(3, verdictDiagnostic["severity"]!.GetValue<int>());
        Assert.Contains(client.Notifications, n => n.Method == "$/progress" && n.Params?["value"]?["kind"]?.GetValue<string>() == "end");

        // Pull diagnostics: a full report, then "unchanged" for the same result id.
        var full = await client.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri = mismatch.Uri } });
        Assert.Equal("full", full!["kind"]!.GetValue<string>());
        Assert.Contains(full["items"]!.AsArray(), x => Code(x!) == "shape-mismatch");
        var unchanged = await client.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri = mismatch.Uri }, previousResultId = full["resultId"]!.GetValue<string>() });
        Assert.Equal("unchanged", unchanged!["kind"]!.GetValue<string>());

        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task Requests_BeforeInitializeAndMalformed_GetErrorsAndServerKeepsServing()
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        var early = await Assert.ThrowsAsync<RemoteInvocationException>(() => client.RequestAsync("textDocument/hover", new { textDocument = new { uri = "file:///x.cs" }, position = new { line = 0, character = 0 } }));
        Assert.Equal(-32002, early.ErrorCode);

        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        var unknown = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => client.RequestAsync("textDocument/notAThing", new { }));
        Assert.NotNull(unknown);
        await Assert.ThrowsAnyAsync<RemoteInvocationException>(() => client.RequestAsync("textDocument/hover", new { textDocument = 42, position = "x" }));

        // Half-typed C#: an analysis, not a crash.
        var uri = "file:///tmp/half-typed.cs";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = "var m = Sequential(Linear(784, " } });
        var hover = await client.RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line = 0, character = 20 } });
        Assert.True(hover is null || hover["contents"] is not null);

        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    private sealed record Opened(string Uri, string Text);

    private static async Task<Opened> OpenAsync(LspProcessClient client, string sample)
    {
        var path = Path.Combine(RepoPaths.Samples, sample);
        var text = await File.ReadAllTextAsync(path);
        var uri = Uri(path);
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text } });
        return new Opened(uri, text);
    }

    private static async Task<List<JsonNode>> DiagnosticsAsync(LspProcessClient client, string uri, Func<List<JsonNode>, bool> match)
    {
        var published = await client.WaitForAsync("textDocument/publishDiagnostics",
            p => p?["uri"]?.GetValue<string>() == uri && match(Items(p)), Wait);
        return Items(published);
    }

    private static List<JsonNode> Items(JsonNode? publish) => publish!["diagnostics"]!.AsArray().Select(d => d!).ToList();

    private static string Code(JsonNode diagnostic) => diagnostic["code"]?.GetValue<string>() ?? "";

    private static string Uri(string path) => new System.Uri(path).AbsoluteUri;
}
