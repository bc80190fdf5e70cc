using System.Text.Json;
using LearningMechanics.Cli.Commands;

namespace LearningMechanics.Cli.Tests;

/// <summary>Runs <c>lmech theory ... --format json</c> in process and reads its answer.</summary>
internal static class Lmech
{
    public static Answer Theory(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = TheoryCommand.Run([.. args, "--format", "json"], output, error);
        Assert.True(code == 0, $"lmech theory {string.Join(' ', args)} exited {code}: {error}");
        return new Answer(JsonDocument.Parse(output.ToString()).RootElement.Clone());
    }

    public static (int Code, string Error) Fails(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = TheoryCommand.Run(args, output, error);
        return (code, error.ToString());
    }

    public sealed record Answer(JsonElement Root)
    {
        public JsonElement Result(string quantity) =>
            Root.GetProperty("results").EnumerateArray().FirstOrDefault(r => r.GetProperty("quantity").GetString() == quantity) is { ValueKind: JsonValueKind.Object } found
                ? found
                : throw new Xunit.Sdk.XunitException($"no result '{quantity}' in {Root}");

        /// <summary>The value (null in JSON fails the test; "Infinity" reads as +infinity).</summary>
        public double Value(string quantity)
        {
            var value = Result(quantity).GetProperty("value");
            return value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetDouble();
        }

        public bool Inside(string quantity) => Result(quantity).GetProperty("regime").GetProperty("inside").GetBoolean();
    }
}
