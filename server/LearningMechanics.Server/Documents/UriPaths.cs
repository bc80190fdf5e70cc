namespace LearningMechanics.Server.Documents;

public static class UriPaths
{
    public static string ToPath(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;

    public static string ToUri(string path) => new System.Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri;
}
