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

    /// <summary>y += a x, elementwise.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var idx = 0;
        var scale = new Vector<double>(a);
        for (; idx + Vector<double>.Count <= x.Length; idx += Vector<double>.Count)
            (new Vector<double>(y.Slice(idx)) + scale * new Vector<double>(x.Slice(idx))).CopyTo(y.Slice(idx));
        for (; idx < x.Length; idx++)
            y[idx] += a * x[idx];
    }

    /// <summary>
    /// sigmaOut = a sigma + b and thetaOut = (c sigma + d) + a theta, elementwise (the affine kernel step of
    /// <see cref="Rules.LinearRule"/>; the operation order matches the scalar form, so results are bit-identical).
    /// </summary>
    public static void AffinePair(
        ReadOnlySpan<double> sigma, ReadOnlySpan<double> theta, Span<double> sigmaOut, Span<double> thetaOut, double a, double b, double c, double d)
    {
        var (va, vb, vc, vd) = (new Vector<double>(a), new Vector<double>(b), new Vector<double>(c), new Vector<double>(d));
        var idx = 0;
        for (; idx + Vector<double>.Count <= sigma.Length; idx += Vector<double>.Count)
        {
            var s = new Vector<double>(sigma.Slice(idx));
            var t = new Vector<double>(theta.Slice(idx));
            (va * s + vb).CopyTo(sigmaOut.Slice(idx));
            (vc * s + vd + va * t).CopyTo(thetaOut.Slice(idx));
        }
        for (; idx < sigma.Length; idx++)
        {
            sigmaOut[idx] = a * sigma[idx] + b;
            thetaOut[idx] = c * sigma[idx] + d + a * theta[idx];
        }
    }
}
