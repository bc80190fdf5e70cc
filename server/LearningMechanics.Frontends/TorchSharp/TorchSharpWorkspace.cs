using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// Per-document cache over <see cref="TorchSharpReader"/>: keeps the last syntax tree of each path and reparses edits
/// incrementally (<see cref="SyntaxTree.WithChangedText"/>); an unchanged text returns the cached result.
/// Thread-safe per path (last writer wins).
/// </summary>
public sealed class TorchSharpWorkspace(TorchSharpReader? reader = null)
{
    private sealed record Document(SourceText Text, SyntaxTree Tree, ReadResult Result);

    private readonly TorchSharpReader _reader = reader ?? TorchSharpReader.Shared;
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal);

    /// <summary>Reads the document's full new text; only the changed region is reparsed.</summary>
    public ReadResult Update(string path, string text, CancellationToken ct = default)
    {
        if (_documents.TryGetValue(path, out var previous))
        {
            var oldText = previous.Text.ToString();
            if (oldText == text)
                return previous.Result;
            return Apply(path, previous, MinimalChange(oldText, text), ct);
        }
        var sourceText = SourceText.From(text ?? "");
        var tree = CSharpSyntaxTree.ParseText(sourceText, _reader.ParseOptions, path, ct);
        return Store(path, sourceText, tree, ct);
    }

    /// <summary>Applies one LSP-style edit (0-based offsets in UTF-16 units) to the cached document.</summary>
    public ReadResult Edit(string path, int start, int length, string newText, CancellationToken ct = default)
    {
        if (!_documents.TryGetValue(path, out var previous))
            throw new InvalidOperationException($"document '{path}' is not open in the workspace");
        return Apply(path, previous, new TextChange(new TextSpan(start, length), newText), ct);
    }

    public bool TryGet(string path, out ReadResult result)
    {
        var found = _documents.TryGetValue(path, out var document);
        result = found ? document!.Result : ReadResult.Empty;
        return found;
    }

    public void Close(string path) => _documents.TryRemove(path, out _);

    private ReadResult Apply(string path, Document previous, TextChange change, CancellationToken ct)
    {
        var newText = previous.Text.WithChanges(change);
        var tree = previous.Tree.WithChangedText(newText);
        return Store(path, newText, tree, ct);
    }

    private ReadResult Store(string path, SourceText text, SyntaxTree tree, CancellationToken ct)
    {
        var result = _reader.Read(tree, ct);
        _documents[path] = new Document(text, tree, result);
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
