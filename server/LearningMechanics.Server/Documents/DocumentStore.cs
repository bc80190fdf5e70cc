using System.Collections.Concurrent;

namespace LearningMechanics.Server.Documents;

/// <summary>The open documents. Only mutating notifications (didOpen/didChange/didClose) write here, in message order.</summary>
public sealed class DocumentStore
{
    private readonly ConcurrentDictionary<string, TextDocument> _documents = new(StringComparer.Ordinal);

    public void Set(TextDocument document) => _documents[document.Uri] = document;

    public bool Remove(string uri) => _documents.TryRemove(uri, out _);

    public TextDocument? Get(string uri) => _documents.TryGetValue(uri, out var document) ? document : null;

    public IReadOnlyCollection<TextDocument> All => _documents.Values.ToList();
}
