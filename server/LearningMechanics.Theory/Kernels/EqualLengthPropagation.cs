using LearningMechanics.Model.Graph;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Kernels;

/// <summary>
/// Kernel propagation for many probes of one common length: the network's kernels as a function of the input entry,
/// tabulated on a grid and read once per pair.
/// </summary>
/// <remarks>
/// When every probe has the same length q0, every rule maps the entry (i, j) through a function of that entry alone (the
/// lengths are all equal at every node), so the output's Sigma, Theta and SigmaDot at (i, j) are one scalar function of
/// Sigma0_ij: the composition of the layers' dual kernels (Daniely et al. 2016, §4; THEORY.md §3: the c-map of inputs of
/// equal length). The grid is run through the ordinary rules as the off-diagonal entries of a kernel over
/// <see cref="GridProbes"/> virtual probes of length q0 (the rules never use positive-definiteness), so its cost is that of
/// 64 probes instead of n, and each pair is then read by 4-point Lagrange interpolation.
/// Error control: the odd grid points are re-interpolated from the even ones (spacing 2h); the error at spacing h is
/// 1/16 of that for a function with a bounded fourth derivative, and the grid is accepted only when the 2h error is below
/// <see cref="Tolerance"/> of each matrix's largest entry. Otherwise the caller runs every pair.
/// </remarks>
public static class EqualLengthPropagation
{
    /// <summary>Virtual probes of the grid kernel: 64 · 63 / 2 = 2,016 grid points.</summary>
    public const int GridProbes = 64;

    /// <summary>Probe count from which the grid is cheaper than the pairs (128 probes: 8,128 pairs).</summary>
    public const int MinProbes = 128;

    /// <summary>Accepted interpolation error at spacing 2h, relative to each matrix's largest entry.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>The output state, or null when the probes' lengths differ, there are too few of them, or the grid fails its check.</summary>
    public static NodeState? TryRun(
        ModelGraph graph, double[,] gramOverN0, Parameterization parameterization, KernelQuadrature quadrature, CancellationToken cancellationToken)
    {
        var n = gramOverN0.GetLength(0);
        if (n < MinProbes)
            return null;
        var q0 = gramOverN0[0, 0];
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            if (gramOverN0[i, i] != q0)
                return null;
            for (var j = i + 1; j < n; j++)
                (lo, hi) = (Math.Min(lo, gramOverN0[i, j]), Math.Max(hi, gramOverN0[i, j]));
        }

        var points = GridProbes * (GridProbes - 1) / 2;
        var spacing = (hi - lo) / (points - 1);
        var grid = new double[GridProbes, GridProbes];
        var index = 0;
        for (var i = 0; i < GridProbes; i++)
        {
            grid[i, i] = q0;
            for (var j = i + 1; j < GridProbes; j++)
                grid[i, j] = grid[j, i] = index == points - 1 ? hi : lo + index++ * spacing;
        }
        var state = KernelPropagation.RunToOutput(graph, KernelMatrix.FromInputGram(grid), parameterization, quadrature, cancellationToken);
        if (state.Kernel is not { } virtualKernel)
            return state;

        var (sigma, theta, sigmaDot) = (new double[points], new double[points], new double[points]);
        index = 0;
        for (var i = 0; i < GridProbes; i++)
            for (var j = i + 1; j < GridProbes; j++, index++)
                (sigma[index], theta[index], sigmaDot[index]) = (virtualKernel.Sigma(i, j), virtualKernel.Theta(i, j), virtualKernel.SigmaDot(i, j));
        if (spacing > 0 && !(Accurate(sigma) && Accurate(theta) && Accurate(sigmaDot)))
            return null;

        var (diagonalSigma, diagonalTheta, diagonalDot) = (virtualKernel.Sigma(0, 0), virtualKernel.Theta(0, 0), virtualKernel.SigmaDot(0, 0));
        var (outSigma, outTheta, outDot) = (KernelMatrix.NewPacked(n), KernelMatrix.NewPacked(n), KernelMatrix.NewPacked(n));
        var idx = 0;
        for (var i = 0; i < n; i++)
        {
            (outSigma[idx], outTheta[idx], outDot[idx]) = (diagonalSigma, diagonalTheta, diagonalDot);
            idx++;
            for (var j = i + 1; j < n; j++, idx++)
            {
                var x = spacing > 0 ? (gramOverN0[i, j] - lo) / spacing : 0;
                outSigma[idx] = Interpolate(sigma, x);
                outTheta[idx] = Interpolate(theta, x);
                outDot[idx] = Interpolate(sigmaDot, x);
            }
        }
        var means = virtualKernel.HasMeans ? Enumerable.Repeat(virtualKernel.Mean(0), n).ToArray() : null;
        var kernel = KernelMatrix.FromPacked(n, outSigma, outTheta, outDot, virtualKernel.IsGaussian, virtualKernel.IsFreshAffine).WithMeans(means);
        return state with { Kernel = kernel };
    }

    /// <summary>Odd points re-interpolated from the even ones (spacing 2h) agree within <see cref="Tolerance"/>.</summary>
    private static bool Accurate(double[] values)
    {
        var scale = values.Max(Math.Abs);
        if (!(scale > 0))
            return true;
        for (var odd = 3; odd + 3 < values.Length; odd += 2)
        {
            // Lagrange cubic through the even points odd-3, odd-1, odd+1, odd+3, read at the middle: (-1, 9, 9, -1)/16.
            var estimate = (-values[odd - 3] + 9 * values[odd - 1] + 9 * values[odd + 1] - values[odd + 3]) / 16;
            if (!(Math.Abs(estimate - values[odd]) <= Tolerance * scale))
                return false;
        }
        return true;
    }

    /// <summary>4-point Lagrange interpolation of equally spaced values at fractional index x.</summary>
    private static double Interpolate(double[] values, double x)
    {
        var last = values.Length - 1;
        var m = Math.Clamp((int)Math.Floor(x), 1, last - 2);
        var t = Math.Clamp(x, 0, last) - m;
        var (y0, y1, y2, y3) = (values[m - 1], values[m], values[m + 1], values[m + 2]);
        // Lagrange basis on the nodes -1, 0, 1, 2 (relative to m).
        var (a, b, c) = (t + 1, t - 1, t - 2);
        return (-t * b * c * y0 + 3 * a * b * c * y1 - 3 * a * t * c * y2 + a * t * b * y3) / 6;
    }
}
