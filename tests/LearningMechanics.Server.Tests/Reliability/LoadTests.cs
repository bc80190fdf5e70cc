namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>Load against the server process. The full 10,000-edit storm is `dotnet run -c Release --project bench/lsp -- storm 10000`.</summary>
public sealed class LoadTests
{
    [Fact]
    public async Task DidChangeStorm_2000Edits_FinalDiagnosticsEqualFreshAnalysis_AllAnswered()
    {
        var result = await DidChangeStorm.RunAsync(RepoPaths.ServerDll, edits: 2000, seed: 8);
        Assert.True(result.ServerAlive);
        Assert.Equal(0, result.Unanswered);
        Assert.Equal(result.FreshDiagnostics, result.FinalDiagnostics);
        // Design note: "CPU back to idle within 1 s" is measured by `bench/lsp storm` and reported in bench/RESULTS.md, not
        // asserted here: on 2 shared cores the server's CPU share after the storm (background JIT, GC, other tenants)
        // ranged 0-42 % between identical runs, which made the assertion a coin toss rather than a check.
    }
}
