namespace LearningMechanics.Frontends.Files;

/// <summary>
/// Resolves a path named inside a workspace file (a data file in learningmechanics.json) so that it stays inside a root
/// folder: absolute paths, paths that climb out and symbolic links whose target leaves the root are refused with a message.
/// </summary>
public static class ConfinedPath
{
    public static (string? Path, string? Error) Resolve(string root, string baseFolder, string location)
    {
        if (string.IsNullOrWhiteSpace(location) || location.Contains('\0'))
            return (null, "an empty path");
        if (Path.IsPathRooted(location))
            return (null, $"'{location}' is absolute; name files relative to the workspace");
        var rootFull = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(Path.GetFullPath(baseFolder), location));
        if (!IsUnder(full, rootFull))
            return (null, $"'{location}' leaves the workspace folder; it is not read");
        if (!File.Exists(full))
            return (null, $"'{location}' does not exist");
        var real = ResolveLinks(full);
        if (real is null || !IsUnder(real, rootFull) && !IsUnder(real, ResolveLinks(rootFull) ?? rootFull))
            return (null, $"'{location}' is a link that leaves the workspace folder; it is not read");
        return (full, null);
    }

    private static bool IsUnder(string path, string folder)
    {
        var withSeparator = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link along it resolved, or null when a link cannot be resolved.</summary>
    public static string? ResolveLinks(string path)
    {
        try
        {
            var root = Path.GetPathRoot(path) ?? "/";
            var current = root;
            foreach (var part in path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                var next = Path.Combine(current, part);
                var info = new FileInfo(next);
                var target = info.Exists || Directory.Exists(next) ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
                current = target is null ? next : Path.GetFullPath(target.FullName);
            }
            return current;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
