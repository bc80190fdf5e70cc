namespace LearningMechanics.Server.Tests.Reliability;

/// <summary>Trainer faults seen through the server process. 100 kills: `dotnet run -c Release --project bench/lsp -- kills 100`.</summary>
[Trait("Category", "Trainer")]
public sealed class FaultTests
{
    [Fact]
    public async Task Validation_TrainerKilledTenTimes_EachReportedFailed_NothingLeftRunning_NextWorks()
    {
        var result = await TrainerKills.RunAsync(RepoPaths.ServerDll, kills: 10, seed: 8);
        Assert.True(result.Killed >= result.Requested, $"{result.Killed} of {result.Requested} trainers killed mid-run in {result.Attempts} attempts");
        Assert.Empty(result.Problems);
        Assert.Equal(result.Killed, result.KilledReportedFailed);
        Assert.Equal(result.CleanRuns, result.CleanRunsWorked);
        Assert.Equal(result.ProgressBegun, result.ProgressEnded);
        Assert.Equal(0, result.TrainersLeft);
        Assert.True(result.ServerAlive);
    }
}
