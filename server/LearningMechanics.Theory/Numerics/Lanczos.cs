using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Numerics;

/// <summary>Top eigenvalue of a symmetric matrix by Lanczos with full reorthogonalisation (THEORY.md §15: "Lanczos for lambda_max").</summary>
/// <remarks>
/// After k steps A V_k = V_k T_k + beta_k v_{k+1} e_k^T; a Ritz pair (theta, V_k s) has residual |beta_k s_k|, which bounds
/// |theta - lambda| for symmetric A. Steps stop when that bound is below 1e-12 theta, or after n steps (then T_n is
/// similar to A and theta is exact up to rounding). Full reorthogonalisation keeps the basis orthogonal in floating point.
/// The start vector is the normalised all-ones vector plus a deterministic ripple: the constant mode dominates kernels
/// at init (THEORY.md §8.1), and the ripple keeps the start from being orthogonal to the top eigenvector.
/// </remarks>
public static class Lanczos
{
    public static double LargestEigenvalue(double[,] symmetric, double relativeTolerance = 1e-12)
    {
        var n = symmetric.GetLength(0);
        if (n == 0)
            return double.NaN;
        if (n == 1)
            return symmetric[0, 0];
        var matrix = new double[n * n];
        Buffer.BlockCopy(symmetric, 0, matrix, 0, n * n * sizeof(double));
        var basis = new List<double[]>();
        var alphas = new List<double>();
        var betas = new List<double>();
        var v = new double[n];
        for (var i = 0; i < n; i++)
            v[i] = 1 + 0.1 * Math.Sin(1.7 * i + 0.3);
        Normalise(v);
        var w = new double[n];
        var top = double.NegativeInfinity;
        for (var step = 0; step < n; step++)
        {
            basis.Add(v);
            Multiply(matrix, v, w);
            var alpha = Blas.Dot(w, v);
            if (!double.IsFinite(alpha))
                return double.NaN; // entries too large to multiply (a diverged net); MathNet's eigensolver fails on NaN
            alphas.Add(alpha);
            // Full reorthogonalisation (twice is enough, Kahan–Parlett).
            for (var pass = 0; pass < 2; pass++)
                foreach (var b in basis)
                {
                    var projection = Blas.Dot(w, b);
                    for (var i = 0; i < n; i++)
                        w[i] -= projection * b[i];
                }
            var beta = Math.Sqrt(Blas.Dot(w, w));
            if (!double.IsFinite(beta))
                return double.NaN;
            var (theta, lastComponent) = TopRitz(alphas, betas);
            top = theta;
            var scale = Math.Max(Math.Abs(theta), 1e-300);
            if (beta * Math.Abs(lastComponent) <= relativeTolerance * scale || beta <= 1e-14 * scale)
                break;
            betas.Add(beta);
            var next = new double[n];
            for (var i = 0; i < n; i++)
                next[i] = w[i] / beta;
            v = next;
        }
        return top;
    }

    private static (double Theta, double LastComponent) TopRitz(List<double> alphas, List<double> betas)
    {
        var k = alphas.Count;
        var tridiagonal = Matrix<double>.Build.Dense(k, k);
        for (var i = 0; i < k; i++)
        {
            tridiagonal[i, i] = alphas[i];
            if (i + 1 < k)
                tridiagonal[i, i + 1] = tridiagonal[i + 1, i] = betas[i];
        }
        var evd = tridiagonal.Evd(Symmetricity.Symmetric);
        var best = 0;
        for (var i = 1; i < k; i++)
            if (evd.EigenValues[i].Real > evd.EigenValues[best].Real)
                best = i;
        return (evd.EigenValues[best].Real, evd.EigenVectors[k - 1, best]);
    }

    private static void Multiply(double[] matrix, double[] v, double[] result)
    {
        var n = v.Length;
        for (var i = 0; i < n; i++)
            result[i] = Blas.Dot(matrix.AsSpan(i * n, n), v);
    }

    private static void Normalise(double[] v)
    {
        var norm = Math.Sqrt(Blas.Dot(v, v));
        for (var i = 0; i < v.Length; i++)
            v[i] /= norm;
    }
}
