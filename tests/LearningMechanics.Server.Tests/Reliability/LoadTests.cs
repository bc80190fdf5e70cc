namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>Load against the server process. The full 10,000-edit storm is `dotnet run -c Release --project bench/lsp -- storm 10000`.</summary>
public sealed class LoadTests
{
    [Fact]
    public async Task DidChangeStorm_2000Edits_FinalDiagnosticsEqualFreshAnalysis_AllAnswered_Idle()
    {
        var result = await DidChangeStorm.RunAsync(RepoPaths.ServerDll, edits: 2000, seed: 8);
        Assert.True(result.ServerAlive);
        Assert.Equal(0, result.Unanswered);
        Assert.Equal(result.FreshDiagnostics, result.FinalDiagnostics);
        // Not a timing: a server that keeps analysing or spinning after the storm uses a whole core here.
        Assert.True(result.IdleCpuFraction < 0.2, $"server still busy after the storm: {result.IdleCpuFraction:P0} of a core");
    }
}
