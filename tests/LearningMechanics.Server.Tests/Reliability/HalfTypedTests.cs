using LearningMechanics.Analysis;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Scheduling;

namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>
/// Half-typed C#: every prefix of a sample, as an editor sends it while the user types.
/// "Not losing the last good analysis" means: <see cref="AnalysisScheduler.LastWithModels"/> is the analysis of the
/// newest version analysed so far that had a model, so lenses can stay while the current text has none.
/// </summary>
public sealed class HalfTypedTests
{
    public static TheoryData<string> Samples => new(Directory.GetFiles(RepoPaths.Samples, "*.cs").Select(Path.GetFileName).Order()!);

    [Fact]
    public async Task Scheduler_EveryPrefix_LastWithModelsIsNewestVersionWithAModel()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "Mlp3.cs"));
        var scheduler = new AnalysisScheduler(new Analyzer(), new Log(TextWriter.Null), TimeSpan.Zero);
        const string uri = "file:///tmp/lm-half-typed/Mlp3.cs";
        DocumentAnalysis? expected = null;
        var version = 0;
        // Forward to the whole text, then back down to nothing: the model appears, then disappears.
        var lengths = Enumerable.Range(0, text.Length / 20 + 1).Select(i => Math.Min(text.Length, i * 20)).ToList();
        lengths.AddRange(Enumerable.Reverse(lengths));
        foreach (var length in lengths)
        {
            var document = new TextDocument(uri, "csharp", ++version, text[..length]);
            scheduler.DocumentChanged(document);
            var analysis = await scheduler.GetAsync(document, CancellationToken.None);
            if (analysis.Models.Length > 0)
                expected = analysis;
            Assert.Same(expected, scheduler.LastWithModels(uri));
            Assert.Same(analysis, scheduler.LastCompleted(uri));
        }
        Assert.NotNull(expected);
        scheduler.DocumentClosed(uri);
        Assert.Null(scheduler.LastWithModels(uri));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Server_EveryPrefixAsDidChange_NoCrash_FinalAnalysisOfTheWholeText(string sample)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, sample));
        await using var client = new LspProcessClient(RepoPaths.ServerDll);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        var uri = new Uri(Path.Combine(Path.GetTempPath(), "lm-half-typed", sample)).AbsoluteUri;
        var reference = new Uri(Path.Combine(Path.GetTempPath(), "lm-half-typed", "whole-" + sample)).AbsoluteUri;
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = "" } });
        var version = 1;
        for (var length = 3; length <= text.Length + 2; length += 3)
        {
            await client.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri, version = ++version },
                contentChanges = new[] { new { text = text[..Math.Min(length, text.Length)] } },
            });
        }
        var final = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == uri && p["version"]?.GetValue<int>() == version, TimeSpan.FromSeconds(120));
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = reference, languageId = "csharp", version = 1, text } });
        var whole = await client.WaitForAsync("textDocument/publishDiagnostics", p => p?["uri"]?.GetValue<string>() == reference, TimeSpan.FromSeconds(120));
        Assert.Equal(whole!["diagnostics"]!.ToJsonString(), final!["diagnostics"]!.ToJsonString());
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
