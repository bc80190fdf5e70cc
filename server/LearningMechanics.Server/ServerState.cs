using System.Collections.Concurrent;
using LearningMechanics.Analysis;
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

    public ServerSettings Settings { get; set; } = new();

    public bool Initialized { get; set; }

    public bool ShutdownRequested { get; set; }

    /// <summary>Validation verdicts by document URI, then model name; they are shown until the model's text changes.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, ValidationVerdict>> Verdicts { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a document: the open copy when there is one, else the file on disk (never the workspace's code run).</summary>
    public TextDocument? Resolve(string uri)
    {
        if (Documents.Get(uri) is { } open)
            return open;
        var path = UriPaths.ToPath(uri);
        if (!File.Exists(path))
            return null;
        var languageId = path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? "csharp" : "onnx";
        return new TextDocument(uri, languageId, -1, languageId == "csharp" ? File.ReadAllText(path) : "");
    }
}
