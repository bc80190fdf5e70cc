namespace LearningMechanics.Server.Tests;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Release" or "Debug": the configuration this test assembly was built with.</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string Samples => Path.Combine(Root, "samples");

    public static string ServerDll => Path.Combine(Root, "server", "LearningMechanics.Server", "bin", Configuration, "net10.0", "linux-x64", "LearningMechanics.Server.dll");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LearningMechanics.Lsp.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("LearningMechanics.Lsp.sln not found above " + AppContext.BaseDirectory);
    }
}
