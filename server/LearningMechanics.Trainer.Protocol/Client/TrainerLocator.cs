namespace LearningMechanics.Trainer.Protocol.Client;

/// <summary>
/// Finds LearningMechanics.Trainer.dll: the LMECH_TRAINER environment variable (a path to the dll) first, then next to
/// the calling assembly (a bundled copy, or a "trainer" subfolder), then the build outputs of the repository that
/// contains the calling assembly: server/LearningMechanics.Trainer/bin/{Release,Debug}/net10.0/linux-x64/. The newest wins.
/// </summary>
public static class TrainerLocator
{
    public const string EnvironmentVariable = "LMECH_TRAINER";
    public const string FileName = "LearningMechanics.Trainer.dll";

    /// <summary>The trainer dll, or an error message that says how to build it or point at it.</summary>
    public static (string? Path, string? Error) Locate(string? startDirectory = null)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? (fromEnvironment, null)
                : (null, $"{EnvironmentVariable} points at {fromEnvironment}, which does not exist; set it to the path of {FileName}");
        }
        var start = startDirectory ?? Path.GetDirectoryName(typeof(TrainerLocator).Assembly.Location) ?? AppContext.BaseDirectory;
        var found = Candidates(start).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        if (found is not null)
            return (found, null);
        return (null, $"the trainer ({FileName}) was not found near {start}. Build it with " +
                      "`dotnet build server/LearningMechanics.Trainer -c Release` from the repository root, " +
                      $"or set {EnvironmentVariable} to the path of {FileName}.");
    }

    private static IEnumerable<string> Candidates(string start)
    {
        yield return Path.Combine(start, FileName);
        yield return Path.Combine(start, "trainer", FileName);
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var project = Path.Combine(directory.FullName, "server", "LearningMechanics.Trainer");
            if (!Directory.Exists(project))
                continue;
            foreach (var configuration in new[] { "Release", "Debug" })
                yield return Path.Combine(project, "bin", configuration, "net10.0", "linux-x64", FileName);
            yield break;
        }
    }
}
