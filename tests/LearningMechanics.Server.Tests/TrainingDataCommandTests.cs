using System.Globalization;
using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>
/// The trainer commands with the "data" entry of learningmechanics.json, over the real server and trainer: the LR range
/// test trains on the named CSV file, and a broken entry is reported instead of silently training on synthetic data.
/// </summary>
public sealed class TrainingDataCommandTests : IDisposable
{
    private const string Model = """
        using TorchSharp;
        using static TorchSharp.torch.nn;

        public static class TableModel
        {
            public static void Train()
            {
                var model = Sequential(Linear(4, 32), ReLU(), Linear(32, 1));
                var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), 0.01);
                var loss = MSELoss();
            }
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("lmech-data-ws-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task LrRangeTest_TrainsOnTheCsvNamedInLearningMechanicsJson()
    {
        var random = new Random(1);
        // Targets around 100: the first loss of the sweep is ~10^4, where the synthetic task (unit-variance targets) starts near 1.
        File.WriteAllLines(Path.Combine(_folder, "table.csv"), ["a,b,c,d,y", .. Enumerable.Range(0, 200).Select(_ =>
        {
            var x = Enumerable.Range(0, 4).Select(_ => random.NextDouble()).ToArray();
            return string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + (100 + 10 * x[0]).ToString("R", CultureInfo.InvariantCulture);
        })]);
        File.WriteAllText(Path.Combine(_folder, "learningmechanics.json"), """{ "data": { "inputs": "table.csv", "targetColumn": "y" } }""");
        await using var client = await StartAsync();
        var uri = await OpenAsync(client);
        var range = (await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.lrRangeTest", arguments = new object[] { uri } }))!.AsArray().Single()!;
        Assert.Contains("table.csv", range["note"]!.GetValue<string>());
        Assert.True(range["losses"]![0]!.GetValue<double>() > 1000, range.ToJsonString());
    }

    [Fact]
    public async Task BrokenDataEntry_IsReportedAndNothingTrains()
    {
        File.WriteAllText(Path.Combine(_folder, "learningmechanics.json"), """{ "data": { "inputs": "../outside.npy", "targets": "y.npy" } }""");
        await using var client = await StartAsync();
        var uri = await OpenAsync(client);
        var range = (await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.lrRangeTest", arguments = new object[] { uri } }))!.AsArray().Single()!;
        Assert.Contains("learningmechanics.json \"data\": inputs '../outside.npy' leaves the workspace folder", range["headline"]!.GetValue<string>());
        Assert.Empty(range["rates"]!.AsArray());
    }

    private static async Task<LspProcessClient> StartAsync()
    {
        var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    private async Task<string> OpenAsync(LspProcessClient client)
    {
        var uri = new Uri(Path.Combine(_folder, "TableModel.cs")).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = Model } });
        return uri;
    }
}
