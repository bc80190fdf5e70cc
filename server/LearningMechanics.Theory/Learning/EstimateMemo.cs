using System.Collections.Concurrent;
using System.Text;
using LearningMechanics.Model.Graph;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// Memo for estimates that depend only on a graph's architecture and init (ops, variances, wiring) and on the probes' Gram
/// matrix: the editor re-analyses the same model on every keystroke, and the lazy-window and init-spread estimates cost
/// milliseconds to seconds. Bounded: cleared when it holds <see cref="Capacity"/> entries.
/// </summary>
internal sealed class EstimateMemo<T>
{
    public const int Capacity = 64;

    private readonly ConcurrentDictionary<(string Architecture, int Size, ulong Gram, int Seed), T> _entries = new();

    public T GetOrAdd(ModelGraph graph, double[,] gram, int seed, Func<T> compute)
    {
        var key = (Architecture(graph), gram.GetLength(0), Fingerprint(gram), seed);
        if (_entries.TryGetValue(key, out var known))
            return known;
        var value = compute();
        if (_entries.Count >= Capacity)
            _entries.Clear();
        _entries[key] = value;
        return value;
    }

    private static string Architecture(ModelGraph graph)
    {
        var key = new StringBuilder();
        foreach (var node in graph.Nodes)
            key.Append(node.Op).Append('|').Append(node.SigmaW2).Append('|').Append(node.SigmaB2).Append('|').AppendJoin(',', node.Inputs).Append(';');
        return key.ToString();
    }

    /// <summary>FNV-1a over the entries' bits: the Gram matrix of one sample is the same array of values on every call.</summary>
    private static ulong Fingerprint(double[,] gram)
    {
        var hash = 14695981039346656037UL;
        foreach (var value in gram)
        {
            hash ^= (ulong)BitConverter.DoubleToInt64Bits(value);
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
