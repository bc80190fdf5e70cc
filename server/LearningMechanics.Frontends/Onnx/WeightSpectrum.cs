using MathNet.Numerics.LinearAlgebra;
using SimdFloats = System.Numerics.Vector<float>;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Eigenvalues of W W^T (equivalently the nonzero ones of W^T W: squared singular values of W) from a
/// <see cref="MatrixSampleSink"/>: the Gram matrix of the shorter side, then a symmetric eigendecomposition (MathNet).
/// When columns are sampled every s-th, the Gram is scaled by s, an unbiased column-sampling estimate of W W^T
/// (Drineas, Kannan and Mahoney 2006, SIAM J. Comput. 36(1), "Fast Monte Carlo algorithms for matrices I").
/// </summary>
internal static class WeightSpectrum
{
    public static double[] Eigenvalues(MatrixSampleSink sample)
    {
        var (rows, cols) = (sample.SampleRows, sample.SampleCols);
        var data = sample.Sample;
        // Gram of the shorter side: G = S S^T (rows) or S^T S (columns); both have the same nonzero eigenvalues.
        float[] lines;
        int k, length;
        if (rows <= cols)
        {
            (lines, k, length) = (data, rows, cols);
        }
        else
        {
            lines = new float[data.Length];
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++)
                    lines[c * rows + r] = data[r * cols + c];
            (k, length) = (cols, rows);
        }
        var scale = (double)sample.ColumnStride;
        var gram = new double[k * k];
        for (var i = 0; i < k; i++)
        {
            var a = lines.AsSpan(i * length, length);
            for (var j = 0; j <= i; j++)
            {
                var value = Dot(a, lines.AsSpan(j * length, length)) * scale;
                gram[i * k + j] = value;
                gram[j * k + i] = value;
            }
        }
        // Overflowing products (huge stored values) make the Gram non-finite; MathNet's QL iteration fails on those.
        if (!gram.All(double.IsFinite))
            return [];
        try
        {
            var evd = Matrix<double>.Build.Dense(k, k, gram).Evd(Symmetricity.Symmetric);
            return evd.EigenValues.Select(v => Math.Max(v.Real, 0)).ToArray();
        }
        catch (Exception e) when (e is ArithmeticException or IndexOutOfRangeException or MathNet.Numerics.NonConvergenceException)
        {
            return [];
        }
    }

    /// <summary>
    /// ||W||_2 by power iteration on W^T W from a fixed pseudo-random start (Golub and Van Loan, Matrix Computations, 4th ed.,
    /// §8.2.1): after <paramref name="steps"/> steps ||W v|| / ||v|| is a lower bound that rises towards sigma_max. Null when the
    /// products overflow. <paramref name="matrix"/> is row-major [rows, cols].
    /// </summary>
    public static double? PowerIterationNorm(float[] matrix, int rows, int cols, int steps)
    {
        var random = new Random(12345);
        var v = new float[cols];
        for (var c = 0; c < cols; c++)
            v[c] = (float)(random.NextDouble() - 0.5);
        var u = new float[rows];
        var estimate = 0.0;
        for (var step = 0; step < Math.Max(steps, 1); step++)
        {
            var vNorm = Math.Sqrt(Dot(v, v));
            if (!(vNorm > 0) || !double.IsFinite(vNorm))
                return vNorm == 0 ? 0 : null;
            var inverse = (float)(1 / vNorm);
            for (var c = 0; c < cols; c++)
                v[c] *= inverse;
            // u = W v, then v = W^T u.
            for (var r = 0; r < rows; r++)
                u[r] = (float)Dot(matrix.AsSpan(r * cols, cols), v);
            estimate = Math.Sqrt(Dot(u, u));
            if (!double.IsFinite(estimate))
                return null;
            Array.Clear(v);
            for (var r = 0; r < rows; r++)
                Axpy(u[r], matrix.AsSpan(r * cols, cols), v);
        }
        return estimate;
    }

    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        var width = SimdFloats.Count;
        var scale = new SimdFloats(a);
        var i = 0;
        for (; i <= x.Length - width; i += width)
            (new SimdFloats(y[i..]) + scale * new SimdFloats(x[i..])).CopyTo(y[i..]);
        for (; i < x.Length; i++)
            y[i] += a * x[i];
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = SimdFloats.Count;
        var acc = SimdFloats.Zero;
        var i = 0;
        for (; i <= a.Length - width; i += width)
            acc += new SimdFloats(a[i..]) * new SimdFloats(b[i..]);
        double result = System.Numerics.Vector.Sum(acc);
        for (; i < a.Length; i++)
            result += a[i] * b[i];
        return result;
    }
}
