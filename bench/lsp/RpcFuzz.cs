using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace LearningMechanics.Bench.Lsp;

/// <summary>
/// Malformed JSON-RPC against the server process over raw stdio bytes: bad headers, bad JSON, wrong parameter types,
/// unknown methods, requests before initialize. After each case a well-formed probe request must be answered; a case
/// whose bytes swallow the probe (an inflated Content-Length) gets up to three probes. Reproducible by seed.
/// </summary>
public static class RpcFuzz
{
    private static readonly string[] s_methods = ["textDocument/hover", "textDocument/codeLens", "textDocument/diagnostic", "workspace/executeCommand", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "initialize", "$/cancelRequest", "workspace/didChangeConfiguration", "no/such/method", "$/unknownNotification", ""];

    private static byte[] s_previous = [];

    public static async Task<int> RunAsync(int cases, int seed, TimeSpan budget)
    {
        var random = new Random(seed);
        var start = new ProcessStartInfo("dotnet", [Session.ServerDll, "--stdio"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var server = Process.Start(start)!;
        var stderrTail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.ErrorDataReceived += (sender, e) =>
        {
            if (e.Data is null)
                return;
            stderrTail.Enqueue(e.Data);
            while (stderrTail.Count > 8)
                stderrTail.TryDequeue(out _);
        };
        server.BeginErrorReadLine();
        var input = server.StandardInput.BaseStream;
        var answers = new ConcurrentDictionary<long, JsonNode>();
        var errorCodes = new ConcurrentDictionary<int, int>();
        var reader = Task.Run(() => ReadFrames(server.StandardOutput.BaseStream, answers, errorCodes));
        var probeId = 1_000_000_000L;
        var (lostProbes, dead, ran) = (0, false, 0);
        var clock = Stopwatch.StartNew();
        var initializeAt = Math.Min(cases / 10, 200);
        for (var caseIdx = 0; caseIdx < cases && clock.Elapsed < budget; caseIdx++)
        {
            if (caseIdx == initializeAt)
                await Send(input, """{"jsonrpc":"2.0","id":999999999,"method":"initialize","params":{"capabilities":{}}}""");
            var bytes = Case(random, caseIdx);
            try
            {
                await input.WriteAsync(bytes);
                await input.FlushAsync();
            }
            catch (IOException)
            {
                dead = true;
                server.WaitForExit(2000);
                Console.WriteLine($"case {caseIdx} (seed {seed}): the server closed its input{(server.HasExited ? $", exit code {server.ExitCode}" : "")}; the case before it was:\n{Encoding.UTF8.GetString(s_previous)}\nserver stderr tail:\n{string.Join("\n", stderrTail)}");
                break;
            }
            s_previous = bytes;
            ran++;
            var answered = false;
            for (var attempt = 0; attempt < 3 && !answered; attempt++)
            {
                var id = ++probeId;
                if (!await TrySend(input, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ""","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere/x.cs"},"position":{"line":0,"character":0}}}"""))
                    break;
                var waited = Stopwatch.StartNew();
                while (!answers.ContainsKey(id) && waited.Elapsed < TimeSpan.FromSeconds(2) && !server.HasExited)
                    await Task.Delay(1);
                answered = answers.ContainsKey(id);
                if (!answered)
                    lostProbes++;
            }
            if (!answered)
            {
                dead = true;
                server.WaitForExit(2000);
                Console.WriteLine($"case {caseIdx} (seed {seed}): server stopped answering{(server.HasExited ? $", exited {server.ExitCode}" : "")}; the case was:\n{Encoding.UTF8.GetString(bytes)}\nserver stderr tail:\n{string.Join("\n", stderrTail)}");
                break;
            }
        }
        var codes = string.Join(", ", errorCodes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"));
        Console.WriteLine($"fuzz-rpc seed {seed}: {ran} cases in {clock.Elapsed.TotalSeconds:F1} s ({ran / clock.Elapsed.TotalSeconds:F0}/s); server alive {!dead && !server.HasExited}; probes lost then recovered {lostProbes}; error codes seen {{{codes}}}");
        if (!server.HasExited)
            server.Kill();
        return dead ? 1 : 0;
    }

    private static byte[] Case(Random random, int caseIdx)
    {
        var id = caseIdx + 1;
        var method = s_methods[random.Next(s_methods.Length)];
        string Frame(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        var goodParams = """{"textDocument":{"uri":"file:///nowhere/x.cs","languageId":"csharp","version":1,"text":"var m = Sequential(Linear(4, 4));"},"position":{"line":0,"character":3}}""";
        var body = $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"{{{method}}}","params":{{{goodParams}}}}""";
        string text = random.Next(10) switch
        {
            // Bad JSON: truncated, bytes flipped, not an object.
            0 => Frame(body[..random.Next(body.Length)]),
            1 => Frame(Flip(body, random)),
            2 => Frame(new[] { "42", "null", "[]", "[1,2", "\"x\"", "{}", "{\"jsonrpc\":\"2.0\"}", "{\"id\":{},\"method\":7}" }[random.Next(8)]),
            // Wrong parameter types.
            3 => Frame($$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{new[] { "42", "\"x\"", "[1,2,3]", "{\"textDocument\":42,\"position\":\"x\"}", "{\"textDocument\":{\"uri\":null},\"position\":{\"line\":-5,\"character\":1e30}}", "{\"contentChanges\":[{\"range\":7}],\"textDocument\":{\"uri\":\"file:///nowhere/x.cs\",\"version\":\"v\"}}", "{\"command\":\"learningMechanics.validate\",\"arguments\":[42]}" }[random.Next(7)]}}}"""),
            // Unknown methods, with and without an id.
            4 => Frame("{\"jsonrpc\":\"2.0\"," + (random.Next(2) == 0 ? $"\"id\":{id}," : "") + $"\"method\":\"x/{random.Next()}\",\"params\":" + "{}}"),
            // Bad headers: missing, wrong name, negative or non-numeric length, inflated or deflated length, no blank line.
            5 => $"Content-Lngth: {body.Length}\r\n\r\n{body}",
            6 => $"Content-Length: {new[] { "-1", "abc", "", "99999999999", "1e3" }[random.Next(5)]}\r\n\r\n{body}",
            7 => $"Content-Length: {Math.Max(0, body.Length + random.Next(-20, 40))}\r\n\r\n{body}",
            8 => $"Content-Type: application/vscode-jsonrpc; charset=latin-99\r\nContent-Length: {body.Length}\r\n\r\n{body}",
            // Random bytes, then a valid frame.
            _ => new string(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (char)random.Next(1, 128)).ToArray()) + Frame(body),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Flip(string body, Random random)
    {
        var chars = body.ToCharArray();
        for (var k = random.Next(1, 6); k > 0; k--)
            chars[random.Next(chars.Length)] = "{}[]\",:\\x0"[random.Next(10)];
        return new string(chars);
    }

    private static async Task<bool> TrySend(Stream input, string body)
    {
        try
        {
            await Send(input, body);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task Send(Stream input, string body)
    {
        await input.WriteAsync(Encoding.UTF8.GetBytes($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}"));
        await input.FlushAsync();
    }

    private static void ReadFrames(Stream output, ConcurrentDictionary<long, JsonNode> answers, ConcurrentDictionary<int, int> errorCodes)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            header.Clear();
            while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (output.Read(one, 0, 1) == 0)
                    return;
                header.Append((char)one[0]);
            }
            var length = int.Parse(header.ToString().Split("\r\n").First(l => l.StartsWith("Content-Length", StringComparison.OrdinalIgnoreCase)).Split(':')[1].Trim());
            var body = new byte[length];
            output.ReadExactly(body);
            var message = JsonNode.Parse(body)!;
            if (message["error"]?["code"] is { } code)
                errorCodes.AddOrUpdate((int)code, 1, (_, n) => n + 1);
            if (message["id"] is { } id && id.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                answers[(long)id] = message;
        }
    }
}
