using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>
/// Every bundled sample validated through the server and the real trainer: the forward-variance predictions must hold
/// (or be declared out of regime) on measured networks; a model with a shape error is refused before libtorch runs.
/// </summary>
public sealed class SampleValidationTests
{
    public static TheoryData<string> TrainableSamples => new() { "Mlp3.cs", "DeepReluDefaultInit.cs", "DeepReluHeInit.cs", "DeepTanh.cs", "LrInLocal.cs" };

    [Theory]
    [MemberData(nameof(TrainableSamples))]
    public async Task Validate_Sample_PredictionsHoldOnMeasuredNetworks(string sample)
    {
        var results = await ValidateAsync(sample);
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            var outcome = result!["outcome"]!.GetValue<string>();
            Assert.True(outcome is "prediction-confirmed" or "prediction-out-of-regime", $"{sample}: {result["message"]}");
        }
    }

    [Fact]
    public async Task Validate_ShapeMismatch_IsRefusedBeforeLibtorchRuns()
    {
        var result = Assert.Single(await ValidateAsync("ShapeMismatch.cs"));
        Assert.Equal("validation-failed", result!["outcome"]!.GetValue<string>());
        Assert.Contains("128", result["message"]!.GetValue<string>());
        Assert.DoesNotContain("exit 134", result["message"]!.GetValue<string>());
    }

    private static async Task<JsonArray> ValidateAsync(string sample)
    {
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        var path = Path.Combine(RepoPaths.Samples, sample);
        var uri = new Uri(path).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = await File.ReadAllTextAsync(path) } });
        var results = await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { uri } });
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        return results!.AsArray();
    }
}
