namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Locates files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples(string file) => Path.Combine(Root, "samples", file);

    public static string Fixtures(params string[] parts) => Path.Combine([Root, "tests", "fixtures", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LearningMechanics.Lsp.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root (LearningMechanics.Lsp.sln) not found above " + AppContext.BaseDirectory);
    }
}
