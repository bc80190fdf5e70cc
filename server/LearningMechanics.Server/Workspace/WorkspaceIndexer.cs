using LearningMechanics.Server.Documents;

namespace LearningMechanics.Server.Workspace;

/// <summary>
/// Registers the workspace folders' C# files with the analyser's <see cref="Frontends.TorchSharp.TorchSharpWorkspace"/>,
/// parse only, on a background task started at <c>initialized</c>, so that a block class or an instantiation site in a
/// file that is not open resolves in the editor as it does in <c>lmech check</c>. Build output, VCS and package folders
/// and symbolic links are skipped; the number and size of files are bounded and what was left out is logged. An open
/// document's text always overrides the disk copy. Files are only read: nothing is written, compiled or run.
/// </summary>
public static class WorkspaceIndexer
{
    public const int MaxFiles = 2000;

    public const long MaxFileBytes = 1024 * 1024;

    private static readonly HashSet<string> s_skippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules", "packages", "TestResults" };

    public static Task StartAsync(ServerState state, DependantRefresher dependants) =>
        Task.Run(() => Index(state, dependants));

    private static async Task Index(ServerState state, DependantRefresher dependants)
    {
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var scan = Scan(state.WorkspaceRoots);
            var open = state.Documents.All.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
            var added = 0;
            foreach (var path in scan.Files)
            {
                if (open.Contains(path) || !TryRead(path, out var text))
                    continue;
                state.Analyzer.RegisterCSharp(path, text);
                // A document opened meanwhile: its editor text wins over the copy just read from disk.
                if (state.Documents.All.FirstOrDefault(d => d.Path == path) is { } opened)
                    state.Analyzer.RegisterCSharp(path, opened.Text);
                added++;
            }
            var message = $"workspace: {added} C# file(s) registered in {clock.Elapsed.TotalMilliseconds:F0} ms" +
                (scan.Skipped.Count == 0 ? "" : "; skipped: " + string.Join("; ", scan.Skipped));
            state.Log.Info(message);
            await state.Client.LogAsync(3, message).ConfigureAwait(false);
            dependants.RefreshAll();
        }
        catch (Exception ex)
        {
            state.Log.Error($"workspace indexing failed: {ex}");
        }
    }

    /// <summary>Reads a file for the workspace: false when it is gone, unreadable or over <see cref="MaxFileBytes"/>.</summary>
    public static bool TryRead(string path, out string text)
    {
        text = "";
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxFileBytes)
                return false;
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when the path lies under one of the workspace folders.</summary>
    public static bool InWorkspace(ServerState state, string path) =>
        state.WorkspaceRoots.Any(root => path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    public sealed record ScanResult(IReadOnlyList<string> Files, IReadOnlyList<string> Skipped);

    /// <summary>The .cs files under the roots, breadth first, at most <see cref="MaxFiles"/>, with what was left out and why.</summary>
    public static ScanResult Scan(IEnumerable<string> roots)
    {
        var files = new List<string>();
        var skipped = new List<string>();
        var folders = new Queue<string>(roots.Where(Directory.Exists));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int tooLarge = 0, overLimit = 0, skippedFolders = 0;
        while (folders.TryDequeue(out var folder))
        {
            if (!seen.Add(folder))
                continue;
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*.cs").Order(StringComparer.Ordinal))
                {
                    var info = new FileInfo(file);
                    if (info.LinkTarget is not null)
                        continue;
                    if (info.Length > MaxFileBytes)
                        tooLarge++;
                    else if (files.Count >= MaxFiles)
                        overLimit++;
                    else
                        files.Add(file);
                }
                foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
                {
                    var name = Path.GetFileName(sub);
                    if (name.StartsWith('.') || s_skippedFolders.Contains(name) || new DirectoryInfo(sub).LinkTarget is not null)
                        skippedFolders++;
                    else
                        folders.Enqueue(sub);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                skipped.Add($"{folder} ({ex.GetType().Name})");
            }
        }
        if (tooLarge > 0)
            skipped.Add($"{tooLarge} file(s) over {MaxFileBytes / 1024} KB");
        if (overLimit > 0)
            skipped.Add($"{overLimit} file(s) beyond the first {MaxFiles}");
        if (skippedFolders > 0)
            skipped.Add($"{skippedFolders} folder(s): bin, obj, hidden (.git, .vs), node_modules, packages, TestResults or links");
        return new ScanResult(files, skipped);
    }
}
