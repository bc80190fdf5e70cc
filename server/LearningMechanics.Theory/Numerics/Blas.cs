using System.Numerics;

namespace LearningMechanics.Theory.Numerics;

/// <summary>The few dense kernels the theory needs, vectorised with <see cref="Vector{T}"/>.</summary>
internal static class Blas
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var sum = Vector<double>.Zero;
        var idx = 0;
        for (; idx + Vector<double>.Count <= x.Length; idx += Vector<double>.Count)
            sum += new Vector<double>(x.Slice(idx)) * new Vector<double>(y.Slice(idx));
        var result = Vector.Sum(sum);
        for (; idx < x.Length; idx++)
            result += x[idx] * y[idx];
        return result;
    }
}
