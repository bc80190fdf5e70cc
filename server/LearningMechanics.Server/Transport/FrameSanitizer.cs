using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LearningMechanics.Server.Transport;

/// <summary>
/// Sits between stdin and StreamJsonRpc and guarantees it only ever sees well-formed frames, because StreamJsonRpc
/// closes the whole connection on one unparsable message. A frame whose body is not JSON is replaced by a request to
/// <see cref="MalformedMethod"/> with the same id (recovered textually when possible), which the server answers with
/// JSON-RPC's ParseError (-32700); a header block without a usable Content-Length is dropped and reading resynchronises
/// on the next header (LSP §baseProtocol).
/// </summary>
public static partial class FrameSanitizer
{
    public const string MalformedMethod = "$/learningMechanics/malformedMessage";

    /// <summary>Frames larger than this are refused (read and discarded in chunks, never buffered whole).</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private const int MaxHeaderLineBytes = 8 * 1024;

    public static Stream Wrap(Stream input, Log log)
    {
        var pipe = new Pipe();
        _ = Task.Run(() => PumpAsync(input, pipe.Writer, log));
        return pipe.Reader.AsStream();
    }

    private static async Task PumpAsync(Stream input, PipeWriter output, Log log)
    {
        var reader = new BufferedStream(input, 64 * 1024);
        try
        {
            while (true)
            {
                var (ended, contentLength, headerProblem) = await ReadHeadersAsync(reader).ConfigureAwait(false);
                if (ended)
                    break;
                if (contentLength is not int length)
                {
                    log.Error($"dropped a message: {headerProblem}");
                    continue;
                }
                if (length > MaxBodyBytes)
                {
                    log.Error($"dropped a message of {length} bytes (limit {MaxBodyBytes})");
                    await SkipAsync(reader, length).ConfigureAwait(false);
                    continue;
                }
                var body = new byte[length];
                if (await ReadExactlyAsync(reader, body).ConfigureAwait(false) < length)
                    break;
                if (!IsJsonRpcMessage(body, out var problem))
                {
                    log.Error($"malformed JSON-RPC message: {problem}");
                    body = Encoding.UTF8.GetBytes(Replacement(body, problem));
                }
                await WriteFrameAsync(output, body).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            log.Info($"input closed: {ex.Message}");
        }
        await output.CompleteAsync().ConfigureAwait(false);
    }

    private static async Task<(bool Ended, int? ContentLength, string? Problem)> ReadHeadersAsync(Stream reader)
    {
        int? contentLength = null;
        string? problem = null;
        var sawAny = false;
        while (true)
        {
            var line = await ReadLineAsync(reader).ConfigureAwait(false);
            if (line is null)
                return (true, null, null);
            if (line.Length == 0)
            {
                if (!sawAny)
                    continue;
                return (false, contentLength, contentLength is null ? problem ?? "header block without Content-Length" : null);
            }
            sawAny = true;
            // Garbage left over from a dropped frame can run into the next header: resynchronise on the header name.
            var marker = line.IndexOf("Content-Length:", StringComparison.OrdinalIgnoreCase);
            if (marker > 0)
                line = line[marker..];
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                problem = $"malformed header line '{Truncate(line)}'";
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (int.TryParse(value, out var parsed) && parsed >= 0)
                    contentLength = parsed;
                else
                    problem = $"bad Content-Length '{Truncate(value)}'";
            }
        }
    }

    private static async Task<string?> ReadLineAsync(Stream reader)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await reader.ReadAsync(one).ConfigureAwait(false) == 0)
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString(bytes.ToArray());
            if (one[0] == '\n')
                break;
            if (bytes.Count < MaxHeaderLineBytes)
                bytes.Add(one[0]);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r')
            bytes.RemoveAt(bytes.Count - 1);
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    private static async Task<int> ReadExactlyAsync(Stream reader, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(total)).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }

    private static async Task SkipAsync(Stream reader, int length)
    {
        var chunk = new byte[64 * 1024];
        var left = length;
        while (left > 0)
        {
            var read = await reader.ReadAsync(chunk.AsMemory(0, Math.Min(chunk.Length, left))).ConfigureAwait(false);
            if (read == 0)
                return;
            left -= read;
        }
    }

    private static bool IsJsonRpcMessage(byte[] body, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var kind = root.ValueKind;
            // Batches (arrays) are not part of LSP, and StreamJsonRpc ends the connection on one.
            problem = kind is JsonValueKind.Object ? null : $"a JSON {kind} is not a JSON-RPC message";
            // StreamJsonRpc closes the whole connection on an id or method of the wrong JSON type (found by the
            // JSON-RPC fuzzer, bench/lsp fuzz-rpc): such a message becomes a ParseError here instead.
            if (kind == JsonValueKind.Object && root.TryGetProperty("id", out var id)
                && !(id.ValueKind is JsonValueKind.String or JsonValueKind.Null || (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _))))
                problem = $"a JSON-RPC id must be an integer, a string or null, not {id.ValueKind}";
            if (kind == JsonValueKind.Object && root.TryGetProperty("method", out var method) && method.ValueKind != JsonValueKind.String)
                problem = $"a JSON-RPC method must be a string, not {method.ValueKind}";
            if (kind == JsonValueKind.Object && !root.TryGetProperty("method", out _) && !(root.TryGetProperty("id", out _) && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _))))
                problem = "a JSON-RPC message needs a method, or an id with a result or an error";
            if (kind == JsonValueKind.Object && root.TryGetProperty("params", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null))
                problem = $"JSON-RPC params must be an object or an array, not {parameters.ValueKind}";
            return problem is null;
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>A request (when the broken message's id can be read) or notification that the server answers with ParseError.</summary>
    private static string Replacement(byte[] body, string? problem)
    {
        var text = Encoding.UTF8.GetString(body);
        var id = IdPattern().Match(text);
        var reason = JsonSerializer.Serialize(problem ?? "unparsable message");
        return id.Success
            ? $$$"""{"jsonrpc":"2.0","id":{{{id.Groups[1].Value}}},"method":"{{{MalformedMethod}}}","params":{"reason":{{{reason}}}}}"""
            : $$$"""{"jsonrpc":"2.0","method":"{{{MalformedMethod}}}","params":{"reason":{{{reason}}}}}""";
    }

    private static async Task WriteFrameAsync(PipeWriter output, byte[] body)
    {
        await output.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n")).ConfigureAwait(false);
        await output.WriteAsync(body).ConfigureAwait(false);
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex("\"id\"\\s*:\\s*(-?\\d{1,15}|\"(?:[^\"\\\\]|\\\\.){0,200}\")")]
    private static partial Regex IdPattern();
}
