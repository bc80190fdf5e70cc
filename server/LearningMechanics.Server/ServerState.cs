using System.Collections.Concurrent;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Server.Documents;
using LearningMechanics.Server.Scheduling;

namespace LearningMechanics.Server;

/// <summary>Everything the handlers share: open documents, analyses, validation results, settings and the client.</summary>
public sealed class ServerState(DocumentStore documents, AnalysisScheduler scheduler, ClientConnection client, Log log)
{
    public DocumentStore Documents { get; } = documents;

    public AnalysisScheduler Scheduler { get; } = scheduler;

    public ClientConnection Client { get; } = client;

    public Log Log { get; } = log;

    /// <summary>The ready / analysing / validating summary the client shows in its status bar.</summary>
    public ServerStatus Status { get; } = new(client);

    /// <summary>ONNX Runtime probe results by file path and content stamp (the probe runs a session, so it is computed once).</summary>
    public ConcurrentDictionary<string, Task<LearningMechanics.Analysis.Onnx.OnnxProbeResult>> OnnxProbes { get; } = new(StringComparer.Ordinal);

    /// <summary>Cancellation of long work by its $/progress token, for window/workDoneProgress/cancel.</summary>
    public ConcurrentDictionary<string, CancellationTokenSource> ProgressCancellations { get; } = new(StringComparer.Ordinal);

    /// <summary>The analyser the scheduler uses; the report handler also asks it for the ONNX file report.</summary>
    public Analyzer Analyzer { get; init; } = new();

    public ServerSettings Settings { get; set; } = new();

    /// <summary>The workspace folders' local paths (from initialize), whose C# files are read with the open documents.</summary>
    public IReadOnlyList<string> WorkspaceRoots { get; set; } = [];

    /// <summary>Re-analyses the open documents that depend on a changed C# document (set by the server).</summary>
    public Workspace.DependantRefresher Dependants { get; set; } = null!;

    public bool Initialized { get; set; }

    public bool ShutdownRequested { get; set; }

    /// <summary>Validation verdicts by document URI, then model name; they are shown until the model's text changes.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, ValidationVerdict>> Verdicts { get; } = new(StringComparer.Ordinal);

    /// <summary>Results of the learning-rate commands by document URI, then model name (shown while the model's text is unchanged).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, LrResults>> LrResults { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a document: the open copy when there is one, else the file on disk (never the workspace's code run).</summary>
    public TextDocument? Resolve(string uri)
    {
        if (Documents.Get(uri) is { } open)
            return open;
        var path = UriPaths.ToPath(uri);
        if (!File.Exists(path))
            return null;
        var languageId = path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? "csharp" : "onnx";
        return new TextDocument(uri, languageId, DiskVersion(path), languageId == "csharp" ? File.ReadAllText(path) : "");
    }

    /// <summary>
    /// A negative version that changes when the file on disk does (length, write time), so that an analysis of a closed
    /// file is redone after it changed; negative versions are never sent to the client as document versions.
    /// </summary>
    private static int DiskVersion(string path)
    {
        var info = new FileInfo(path);
        return -2 - (int)((uint)HashCode.Combine(info.Length, info.LastWriteTimeUtc.Ticks) % 1_000_000_000);
    }
}

/// <summary>The last "Find learning-rate limit" and "Run LR range test" results of one model.</summary>
public sealed record LrResults(LrLimitResult? Limit, LrRangeResult? Range);
