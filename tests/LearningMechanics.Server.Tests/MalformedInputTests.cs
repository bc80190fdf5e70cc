using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>Bytes that are not valid LSP get protocol errors or are dropped; the server keeps serving (in-process, raw frames).</summary>
public sealed class MalformedInputTests
{
    [Fact]
    public async Task BadJsonBadHeadersAndWrongTypes_GetErrorsAndServerKeepsServing()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        using var server = new LanguageServer(toServer.Reader.AsStream(), fromServer.Writer.AsStream(), TextWriter.Null);
        server.Start();
        var input = toServer.Writer.AsStream();
        var output = fromServer.Reader.AsStream();

        await SendAsync(input, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""");
        Assert.NotNull((await ReadUntilIdAsync(output, 1))["result"]);

        // Truncated JSON with a readable id: ParseError for that id.
        await SendAsync(input, """{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{""");
        Assert.Equal(-32700, (int)(await ReadUntilIdAsync(output, 2))["error"]!["code"]!);

        // A header block without Content-Length, then garbage glued to the next frame: dropped, then resynchronised.
        await WriteRawAsync(input, "Content-Lngth: 5\r\n\r\nhello");
        // Wrong parameter types: InvalidParams, not a crash.
        await SendAsync(input, """{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":42,"position":"x"}}""");
        Assert.NotNull((await ReadUntilIdAsync(output, 3))["error"]);
        // A JSON scalar is not a message: ParseError without an id is impossible to answer, so it is dropped after logging.
        await SendAsync(input, "42");
        // Unknown method: MethodNotFound.
        await SendAsync(input, """{"jsonrpc":"2.0","id":4,"method":"textDocument/notAThing","params":{}}""");
        Assert.Equal(-32601, (int)(await ReadUntilIdAsync(output, 4))["error"]!["code"]!);

        await SendAsync(input, """{"jsonrpc":"2.0","id":5,"method":"shutdown"}""");
        Assert.True((await ReadUntilIdAsync(output, 5)).AsObject().ContainsKey("result"));
        await SendAsync(input, """{"jsonrpc":"2.0","method":"exit"}""");
        Assert.Equal(0, await server.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static Task SendAsync(Stream input, string body) =>
        WriteRawAsync(input, $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    private static async Task WriteRawAsync(Stream input, string text)
    {
        await input.WriteAsync(Encoding.UTF8.GetBytes(text));
        await input.FlushAsync();
    }

    private static async Task<JsonNode> ReadUntilIdAsync(Stream output, int id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var message = await ReadFrameAsync(output, timeout.Token);
            if (message["id"] is { } messageId && messageId.GetValueKind() == System.Text.Json.JsonValueKind.Number && (int)messageId == id)
                return message;
        }
    }

    private static async Task<JsonNode> ReadFrameAsync(Stream output, CancellationToken cancellationToken)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await output.ReadAsync(one, cancellationToken) == 0)
                throw new EndOfStreamException("server closed its output");
            header.Append((char)one[0]);
        }
        var length = int.Parse(header.ToString().Split("\r\n").First(l => l.StartsWith("Content-Length", StringComparison.OrdinalIgnoreCase)).Split(':')[1].Trim());
        var body = new byte[length];
        await output.ReadExactlyAsync(body, cancellationToken);
        return JsonNode.Parse(body)!;
    }
}
