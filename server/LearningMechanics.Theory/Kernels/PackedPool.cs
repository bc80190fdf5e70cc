using System.Collections.Concurrent;

namespace LearningMechanics.Theory.Kernels;

/// <summary>
/// Packed kernel arrays of dead intermediate nodes, handed to the next rule that needs one of the same length.
/// </summary>
/// <remarks>
/// A 256-probe kernel is three 263 KB arrays per node: fresh large-object-heap arrays cost more to fault in and collect
/// than the rule's arithmetic on them (measured 2.3x for a write pass). Only <see cref="KernelPropagation.RunToOutput"/>
/// returns arrays, and only those no live kernel references; the pool keeps at most <see cref="MaxRetainedBytes"/>.
/// </remarks>
internal static class PackedPool
{
    private const int MinLength = 4096;
    private const long MaxRetainedBytes = 16L << 20;

    private static readonly ConcurrentDictionary<int, ConcurrentBag<double[]>> s_free = new();
    private static long s_retainedBytes;

    /// <summary>An array of exactly <paramref name="length"/> doubles with unspecified contents.</summary>
    public static double[] Rent(int length)
    {
        if (length >= MinLength && s_free.TryGetValue(length, out var bag) && bag.TryTake(out var array))
        {
            Interlocked.Add(ref s_retainedBytes, -8L * length);
            return array;
        }
        return GC.AllocateUninitializedArray<double>(length);
    }

    /// <summary>Gives back an array nobody references any more; dropped when the pool is full.</summary>
    public static void Return(double[] array)
    {
        if (array.Length < MinLength)
            return;
        if (Interlocked.Add(ref s_retainedBytes, 8L * array.Length) > MaxRetainedBytes)
        {
            Interlocked.Add(ref s_retainedBytes, -8L * array.Length);
            return;
        }
        s_free.GetOrAdd(array.Length, _ => new ConcurrentBag<double[]>()).Add(array);
    }
}
