using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// The TorchSharp documents of a workspace (open editor copies and files on disk). Each keeps its last syntax tree, and
/// edits reparse incrementally (<see cref="SyntaxTree.WithChangedText"/>). A document is read together with the documents
/// that declare the type names it mentions and does not declare itself (<see cref="WorkspaceDependencies"/>, followed
/// transitively) and with the documents that name its types (possible instantiation sites, which supply constructor
/// arguments), so a block class declared in one file can be used by a model class in another; the models and findings
/// of a document are only its own. A name declared in the document itself always means its own declaration; a name
/// declared in several other documents is ambiguous and never guessed (the reader makes it an Unknown naming the files).
/// A result is reused while the document and its dependencies are unchanged; otherwise it is re-read when asked for
/// (<see cref="Get"/>), so dependants of an edited document are refreshed. Thread-safe per call.
/// </summary>
public sealed class TorchSharpWorkspace(TorchSharpReader? reader = null)
{
    // Result and Parts are null for a document added but not read yet (Add): Get reads it on first use.
    private sealed record Document(SourceText Text, SyntaxTree Tree, ReadResult? Result, WorkspaceDependencies? ReadWith, PartCache? Parts,
        DocumentNames? PreviousNames = null, TextChange? Change = null)
    {
        private DocumentNames? _names;
        private string? _hash;

        public DocumentNames Names => _names ??= DocumentNames.Of(Tree, PreviousNames, Change);

        /// <summary>The names if already computed, without computing them.</summary>
        public DocumentNames? KnownNames => _names;

        public string Hash => _hash ??= Convert.ToHexString(Text.GetContentHash().AsSpan(0, 8));
    }

    /// <summary>Documents naming this document's types that are read with it as instantiation sites (in path order).</summary>
    public const int MaxSites = 8;

    /// <summary>Documents one document is read with at most; beyond, names stay unresolved (Unknown with a reason).</summary>
    public const int MaxDependencies = 64;

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
            return Apply(path, previous, MinimalChange(oldText, text ?? ""), ct);
        }
        var sourceText = SourceText.From(text ?? "");
        var tree = CSharpSyntaxTree.ParseText(sourceText, _reader.ParseOptions, path, ct);
        return Store(path, sourceText, tree, null, null, ct);
    }

    /// <summary>
    /// Parses a document into the workspace without reading it (a file on disk, or every file of a folder before each is
    /// read once against all the others). An unchanged text keeps the document's last reading.
    /// </summary>
    public void Add(string path, string text)
    {
        text ??= "";
        if (_documents.TryGetValue(path, out var existing) && existing.Text.ToString() == text)
            return;
        var sourceText = SourceText.From(text);
        var document = new Document(sourceText, CSharpSyntaxTree.ParseText(sourceText, _reader.ParseOptions, path), null, null, null);
        _ = document.Names; // Here (the server's background indexing), not on the first analysis.
        _documents[path] = document;
    }

    /// <summary>Applies one LSP-style edit (0-based offsets in UTF-16 units) to the cached document.</summary>
    public ReadResult Edit(string path, int start, int length, string newText, CancellationToken ct = default)
    {
        if (!_documents.TryGetValue(path, out var previous))
            throw new InvalidOperationException($"document '{path}' is not open in the workspace");
        return Apply(path, previous, new TextChange(new TextSpan(start, length), newText), ct);
    }

    /// <summary>The document's current result, re-read first when one of its dependencies changed since it was read.</summary>
    public ReadResult Get(string path, CancellationToken ct = default)
    {
        if (!_documents.TryGetValue(path, out var document))
            return ReadResult.Empty;
        return document.Result is { } result && document.ReadWith is { } readWith && readWith.SameAs(Dependencies(path, document))
            ? result
            : Store(path, document.Text, document.Tree, document, null, ct);
    }

    public bool TryGet(string path, out ReadResult result)
    {
        var found = _documents.ContainsKey(path);
        result = found ? Get(path) : ReadResult.Empty;
        return found;
    }

    public bool Contains(string path) => _documents.ContainsKey(path);

    public int Count => _documents.Count;

    /// <summary>The documents other than <paramref name="path"/> (whose results may depend on it).</summary>
    public IReadOnlyList<string> OtherDocuments(string path) => _documents.Keys.Where(p => p != path).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A stamp of what the document's reading depends on besides its own text: the documents it is read with and their
    /// contents, and the ambiguous names; empty when it depends on no other document. Computed from the current texts
    /// without reading, so a caller can tell whether a document's last analysis is out of date.
    /// </summary>
    public string DependencyStamp(string path) =>
        _documents.TryGetValue(path, out var document) ? Dependencies(path, document).Stamp : "";

    /// <summary>The stamp of the dependencies the document's last reading used (see <see cref="DependencyStamp"/>).</summary>
    public string ReadStamp(string path) =>
        _documents.TryGetValue(path, out var document) && document.ReadWith is { } readWith ? readWith.Stamp : "";

    /// <summary>Forgets a document (a file deleted, or an editor copy of a file outside the workspace closed).</summary>
    public void Close(string path) => _documents.TryRemove(path, out _);

    private ReadResult Apply(string path, Document previous, TextChange change, CancellationToken ct)
    {
        var newText = previous.Text.WithChanges(change);
        var tree = previous.Tree.WithChangedText(newText);
        return Store(path, newText, tree, previous, change, ct);
    }

    private WorkspaceDependencies Dependencies(string path, Document document)
    {
        if (_documents.Count == 0 || _documents.Count == 1 && _documents.ContainsKey(path))
            return WorkspaceDependencies.None;
        var declaredBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (otherPath, other) in _documents)
        {
            if (otherPath == path)
                continue;
            foreach (var name in other.Names.Declared)
            {
                if (!declaredBy.TryGetValue(name, out var paths))
                    declaredBy[name] = paths = [];
                paths.Add(otherPath);
            }
        }
        var own = document.Names.Declared;
        var included = new SortedDictionary<string, Document>(StringComparer.Ordinal);
        var ambiguous = new SortedDictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(document.Names.Mentioned);
        // Documents that name one of this document's types may instantiate it (a training program supplying constructor
        // arguments): they are read with it too.
        var sites = 0;
        foreach (var (otherPath, other) in _documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (otherPath != path && sites < MaxSites && other.Names.Mentioned.Overlaps(own) && !included.ContainsKey(otherPath))
            {
                sites++;
                included[otherPath] = other;
                foreach (var mentioned in other.Names.Mentioned)
                    pending.Enqueue(mentioned);
            }
        }
        while (pending.TryDequeue(out var name))
        {
            if (!seen.Add(name) || own.Contains(name) || !declaredBy.TryGetValue(name, out var paths))
                continue;
            if (paths.Count > 1)
            {
                ambiguous[name] = [.. paths.Order(StringComparer.Ordinal)];
                continue;
            }
            if (included.ContainsKey(paths[0]) || included.Count >= MaxDependencies || !_documents.TryGetValue(paths[0], out var declaring))
                continue;
            included[paths[0]] = declaring;
            foreach (var mentioned in declaring.Names.Mentioned)
                pending.Enqueue(mentioned);
        }
        return new WorkspaceDependencies(
            [.. included.Values.Select(d => d.Tree)],
            ambiguous.ToImmutableDictionary(StringComparer.Ordinal),
            string.Join(";", included.Select(d => d.Key + "=" + d.Value.Hash)) + (ambiguous.Count == 0 ? "" : "|ambiguous:" + string.Join(";", ambiguous.Keys)));
    }

    private ReadResult Store(string path, SourceText text, SyntaxTree tree, Document? previous, TextChange? change, CancellationToken ct)
    {
        // Get re-reads the same text (no change): its names are the stored ones.
        var fresh = previous is not null && change is null && ReferenceEquals(previous.Tree, tree)
            ? previous with { Result = null, ReadWith = null, Parts = null }
            : new Document(text, tree, null, null, null, previous?.KnownNames, change);
        var dependencies = Dependencies(path, fresh);
        var (result, parts) = _reader.Read(tree, dependencies.Trees, dependencies.Ambiguous, previous?.Parts, ct);
        var stored = fresh with { Result = result, ReadWith = dependencies, Parts = parts };
        // Design note: a reading that raced with a newer Add/Update/Close of the same path does not put its text back
        // (its result still answers this call; the next Update re-applies the editor's text).
        if (previous is null)
            _documents[path] = stored;
        else
            _documents.TryUpdate(path, stored, previous);
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
