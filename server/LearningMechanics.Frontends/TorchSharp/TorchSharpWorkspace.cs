using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The open TorchSharp documents of a workspace. Each keeps its last syntax tree, and edits reparse incrementally
/// (<see cref="SyntaxTree.WithChangedText"/>). A document is read together with the other documents' trees, so a block
/// class declared in one file can be used by a model class in another; the models and findings of a document are only
/// its own. A result is reused while neither the document nor any other document changed; otherwise it is re-read when
/// asked for (<see cref="Get"/>), so dependants of an edited document are refreshed. Thread-safe per call (last writer wins).
/// </summary>
public sealed class TorchSharpWorkspace(TorchSharpReader? reader = null)
{
    // Result and Parts are null for a document added but not read yet (Add): Get reads it on first use.
    private sealed record Document(SourceText Text, SyntaxTree Tree, ReadResult? Result, ImmutableArray<SyntaxTree> ReadWith, PartCache? Parts);

    private readonly TorchSharpReader _reader = reader ?? TorchSharpReader.Shared;
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal);

    /// <summary>Reads the document's full new text; only the changed region is reparsed.</summary>
    public ReadResult Update(string path, string text, CancellationToken ct = default)
    {
        if (_documents.TryGetValue(path, out var previous))
        {
            var oldText = previous.Text.ToString();
            if (oldText == text)
                return Get(path, ct);
            return Apply(path, previous, MinimalChange(oldText, text), ct);
        }
        var sourceText = SourceText.From(text ?? "");
        var tree = CSharpSyntaxTree.ParseText(sourceText, _reader.ParseOptions, path, ct);
        return Store(path, sourceText, tree, ct);
    }

    /// <summary>
    /// Parses a document into the workspace without reading it, so that a folder can be registered file by file and each
    /// file read once, against all the others (<see cref="Get"/>).
    /// </summary>
    public void Add(string path, string text)
    {
        var sourceText = SourceText.From(text ?? "");
        _documents[path] = new Document(sourceText, CSharpSyntaxTree.ParseText(sourceText, _reader.ParseOptions, path), null, [], null);
    }

    /// <summary>Applies one LSP-style edit (0-based offsets in UTF-16 units) to the cached document.</summary>
    public ReadResult Edit(string path, int start, int length, string newText, CancellationToken ct = default)
    {
        if (!_documents.TryGetValue(path, out var previous))
            throw new InvalidOperationException($"document '{path}' is not open in the workspace");
        return Apply(path, previous, new TextChange(new TextSpan(start, length), newText), ct);
    }

    /// <summary>The document's current result, re-read first when another document changed since it was read.</summary>
    public ReadResult Get(string path, CancellationToken ct = default)
    {
        if (!_documents.TryGetValue(path, out var document))
            return ReadResult.Empty;
        return document.Result is { } result && document.ReadWith.SequenceEqual(OtherTrees(path)) ? result : Store(path, document.Text, document.Tree, ct);
    }

    public bool TryGet(string path, out ReadResult result)
    {
        var found = _documents.ContainsKey(path);
        result = found ? Get(path) : ReadResult.Empty;
        return found;
    }

    /// <summary>The open documents other than <paramref name="path"/> (whose results may depend on it).</summary>
    public IReadOnlyList<string> OtherDocuments(string path) => _documents.Keys.Where(p => p != path).Order(StringComparer.Ordinal).ToList();

    public void Close(string path) => _documents.TryRemove(path, out _);

    private ReadResult Apply(string path, Document previous, TextChange change, CancellationToken ct)
    {
        var newText = previous.Text.WithChanges(change);
        var tree = previous.Tree.WithChangedText(newText);
        return Store(path, newText, tree, ct);
    }

    private ImmutableArray<SyntaxTree> OtherTrees(string path) =>
        _documents.Where(d => d.Key != path).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value.Tree).ToImmutableArray();

    private ReadResult Store(string path, SourceText text, SyntaxTree tree, CancellationToken ct)
    {
        var others = OtherTrees(path);
        var (result, parts) = _reader.Read(tree, others, _documents.TryGetValue(path, out var previous) ? previous.Parts : null, ct);
        _documents[path] = new Document(text, tree, result, others, parts);
        return result;
    }

    private static TextChange MinimalChange(string oldText, string newText)
    {
        var prefix = 0;
        var max = Math.Min(oldText.Length, newText.Length);
        while (prefix < max && oldText[prefix] == newText[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < max - prefix && oldText[oldText.Length - 1 - suffix] == newText[newText.Length - 1 - suffix])
            suffix++;
        return new TextChange(new TextSpan(prefix, oldText.Length - prefix - suffix), newText.Substring(prefix, newText.Length - prefix - suffix));
    }
}
