using System.Text.Json.Nodes;

namespace LearningMechanics.Server.Tests;

/// <summary>
/// The trainer-backed commands over the real server process and trainer: validation with a client-created progress token
/// (one progress, no server-created one), "find learning-rate limit", "LR range test", and the report data behind the charts.
/// </summary>
public sealed class TrainerCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    /// <summary>A small tanh regression MLP trained with plain SGD on MSE: every chart of the report applies to it.</summary>
    private const string SmallTanh = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public static class SmallTanh
        {
            public static void Train()
            {
                var model = Sequential(
                    Linear(16, 64), Tanh(),
                    Linear(64, 64), Tanh(),
                    Linear(64, 1));
                var optimizer = torch.optim.SGD(model.parameters(), 0.05);
                var loss = MSELoss();
            }
        }
        """;

    [Fact]
    public async Task Validate_WithClientWorkDoneToken_ReportsOnThatTokenAndCreatesNone()
    {
        await using var client = await StartAsync();
        var uri = await OpenAsync(client, "SmallTanhProgress.cs", SmallTanh);
        await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { uri }, workDoneToken = "client-token-1" });
        var progress = client.Notifications.Where(n => n.Method == "$/progress").ToList();
        Assert.Contains(progress, p => p.Params!["token"]!.GetValue<string>() == "client-token-1" && p.Params["value"]!["kind"]!.GetValue<string>() == "begin");
        Assert.All(progress, p => Assert.Equal("client-token-1", p.Params!["token"]!.GetValue<string>()));
        Assert.Single(progress, p => p.Params!["value"]!["kind"]!.GetValue<string>() == "begin");
        Assert.Single(progress, p => p.Params!["value"]!["kind"]!.GetValue<string>() == "end");
        Assert.DoesNotContain(client.Notifications, n => n.Method == "window/workDoneProgress/create");

        // The validation also ran the loss curve with the NTK at init, and the forward-stats gradients: the report has both.
        var model = (await client.RequestAsync("learningMechanics/report", new { uri }))!["models"]![0]!;
        var curve = model["lossCurve"]!;
        var measured = curve["measured"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        var predicted = curve["predicted"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        Assert.Equal(measured.Count, predicted.Count);
        // At init the linearised loss is the measured loss exactly (same residual), and at a rate below eta_crit both fall.
        Assert.InRange(predicted[0] / measured[0], 0.999, 1.001);
        Assert.True(measured[^1] < measured[0] && predicted[^1] < predicted[0], $"measured {measured[0]} -> {measured[^1]}, predicted {predicted[0]} -> {predicted[^1]}");
        var weightRows = model["layers"]!.AsArray().Where(l => l!["op"]!.GetValue<string>() == "Linear").ToList();
        Assert.All(weightRows, l => Assert.NotNull(l!["predictedGradient"]));
        Assert.All(weightRows, l => Assert.NotNull(l!["measuredGradient"]));
        Assert.Equal(1.0, weightRows[^1]!["measuredGradient"]!.GetValue<double>(), 6);
        // Ordered phase: the gradient shrinks towards the input, measured as predicted (chi < 1 per layer).
        Assert.True(weightRows[0]!["measuredGradient"]!.GetValue<double>() < weightRows[1]!["measuredGradient"]!.GetValue<double>());
        Assert.InRange(weightRows[0]!["measuredGradient"]!.GetValue<double>() / weightRows[0]!["predictedGradient"]!.GetValue<double>(), 0.5, 2.0);
        // Phase diagram: tanh's critical line passes through sigma_w^2 = 1 at sigma_b^2 = 0, and the model's point is ordered
        // (TorchSharp's default init, sigma_w^2 = 1/3).
        var phase = model["phaseDiagram"]!;
        Assert.Equal(1.0, phase["lineSigmaW2"]![0]!.GetValue<double>(), 6);
        Assert.Equal(0.0, phase["lineSigmaB2"]![0]!.GetValue<double>());
        Assert.Equal("ordered", phase["phase"]!.GetValue<string>());
        Assert.InRange(phase["sigmaW2"]!.GetValue<double>(), 0.33, 0.34);
    }

    /// <summary>Wide and at the critical point (sigma_w^2 = 1, no bias, tanh): the lazy regime where the linearised curve holds.</summary>
    private const string WideCriticalTanh = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public static class WideCriticalTanh
        {
            public static void Train()
            {
                var model = Sequential(Linear(16, 512), Tanh(), Linear(512, 512), Tanh(), Linear(512, 1));
                foreach (var module in model.modules())
                {
                    if (module is TorchSharp.Modules.Linear linear)
                    {
                        TorchSharp.torch.nn.init.kaiming_normal_(linear.weight, a: 1);
                        TorchSharp.torch.nn.init.zeros_(linear.bias);
                    }
                }
                var optimizer = torch.optim.SGD(model.parameters(), 0.02);
                var loss = MSELoss();
            }
        }
        """;

    [Fact]
    public async Task Validate_WideCriticalNet_PredictedLossCurveFollowsTheMeasuredOne()
    {
        await using var client = await StartAsync();
        var uri = await OpenAsync(client, "WideCriticalTanh.cs", WideCriticalTanh);
        await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.validate", arguments = new object[] { uri } });
        var curve = (await client.RequestAsync("learningMechanics/report", new { uri }))!["models"]![0]!["lossCurve"]!;
        var measured = curve["measured"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        var predicted = curve["predicted"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        Assert.True(measured[^1] < 0.8 * measured[0], $"the run barely trained: {measured[0]} -> {measured[^1]}");
        // THEORY.md §7.1 CPU check: within 10-30% for standard parameterization at moderate width.
        for (var step = 0; step < measured.Count; step += 10)
            Assert.InRange(predicted[step] / measured[step], 0.7, 1.3);
    }

    [Fact]
    public async Task FindLrLimitAndRangeTest_ReturnMeasurementsAgainstThePredictionAndFillTheReport()
    {
        await using var client = await StartAsync();
        var uri = await OpenAsync(client, "SmallTanhLr.cs", SmallTanh);
        var limit = (await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.findLrLimit", arguments = new object[] { uri } }))!.AsArray().Single()!;
        Assert.True(limit["outcome"]!.GetValue<string>() is "confirmed" or "refuted" or "not scored", limit.ToJsonString());
        var predicted = limit["predictedEtaCrit"]!.GetValue<double>();
        var monotone = limit["measuredMonotone"]!.GetValue<double>();
        Assert.True(predicted > 0 && monotone > 0);
        Assert.Contains("η_crit", limit["headline"]!.GetValue<string>());

        var range = (await client.RequestAsync("workspace/executeCommand", new { command = "learningMechanics.lrRangeTest", arguments = new object[] { uri } }))!.AsArray().Single()!;
        var rates = range["rates"]!.AsArray().Select(r => r!.GetValue<double>()).ToList();
        Assert.True(rates.Count >= 10, range.ToJsonString());
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second > p.First), "the sweep's rates increase");
        Assert.Equal(rates.Count, range["losses"]!.AsArray().Count);
        var suggested = range["suggestedRate"]!.GetValue<double>();
        Assert.InRange(suggested, rates[0], rates[^1]);

        var model = (await client.RequestAsync("learningMechanics/report", new { uri }))!["models"]![0]!;
        Assert.Equal(monotone, model["lrLimit"]!["measuredMonotone"]!.GetValue<double>());
        Assert.Equal(suggested, model["lrRange"]!["suggestedRate"]!.GetValue<double>());

        // An edit to the model hides the results: they describe the old text.
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = SmallTanh.Replace("Linear(64, 64)", "Linear(64, 64), Tanh(), Linear(64, 64)") } } });
        var edited = (await client.RequestAsync("learningMechanics/report", new { uri }))!["models"]![0]!;
        Assert.Null(edited["lrLimit"]);
        Assert.Null(edited["lrRange"]);
    }

    private static async Task<LspProcessClient> StartAsync()
    {
        var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { window = new { workDoneProgress = true } } });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    private static async Task<string> OpenAsync(LspProcessClient client, string name, string text)
    {
        var uri = $"file:///tmp/lm-tests/{name}";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text } });
        return uri;
    }
}
