namespace LearningMechanics.Theory.Learning;

/// <summary>Fitting and extrapolating loss-vs-scale laws on small runs (THEORY.md §12 "Tool use" and CPU check).</summary>
/// <remarks>
/// L(N) = E + A N^{-alpha}, fitted by least squares in log space: for a fixed irreducible loss E the model is linear,
/// ln(L - E) = ln A - alpha ln N, so the fit is a 1-D golden-section search over E in [0, min L) of the residual
/// sum_i (ln L_i - ln(E + A N_i^{-alpha}))^2 with (A, alpha) from the linear regression at each E.
/// Constants fitted on other data (Kaplan, Chinchilla, Epoch) are references in <see cref="ScalingLaws"/>, not fits.
/// Evidence: [D]. Regime: the runs are on the power law (small models sit off it: irreducible and variance-limited terms).
/// </remarks>
public static class ScalingLawFit
{
    public sealed record PowerLaw(double E, double A, double Alpha, double LogResidual)
    {
        public double Loss(double scale) => E + A * Math.Pow(scale, -Alpha);
    }

    /// <summary>L = A N^{-alpha} (no offset): ordinary least squares of ln L on ln N.</summary>
    public static PowerLaw FitPure(IReadOnlyList<double> scales, IReadOnlyList<double> losses)
    {
        var (slope, intercept, residual) = Regress(scales.Select(x => Math.Log(x)).ToArray(), losses.Select(x => Math.Log(x)).ToArray());
        return new PowerLaw(0, Math.Exp(intercept), -slope, residual);
    }

    /// <summary>L = E + A N^{-alpha} with E &gt;= 0 fitted too.</summary>
    public static PowerLaw Fit(IReadOnlyList<double> scales, IReadOnlyList<double> losses)
    {
        var logN = scales.Select(x => Math.Log(x)).ToArray();
        var logL = losses.Select(x => Math.Log(x)).ToArray();
        var minLoss = losses.Min();
        PowerLaw At(double e)
        {
            var (slope, intercept, _) = Regress(logN, losses.Select(l => Math.Log(l - e)).ToArray());
            var (a, alpha) = (Math.Exp(intercept), -slope);
            var residual = 0.0;
            for (var i = 0; i < logN.Length; i++)
            {
                var r = logL[i] - Math.Log(e + a * Math.Exp(-alpha * logN[i]));
                residual += r * r;
            }
            return new PowerLaw(e, a, alpha, residual);
        }
        // Golden-section search on E in [0, (1 - 1e-9) min L].
        double lo = 0, hi = minLoss * (1 - 1e-9);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var (x1, x2) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
        var (f1, f2) = (At(x1).LogResidual, At(x2).LogResidual);
        for (var iteration = 0; iteration < 200 && hi - lo > 1e-14 * Math.Max(1, minLoss); iteration++)
        {
            if (f1 < f2)
            {
                (hi, x2, f2) = (x2, x1, f1);
                x1 = hi - ratio * (hi - lo);
                f1 = At(x1).LogResidual;
            }
            else
            {
                (lo, x1, f1) = (x1, x2, f2);
                x2 = lo + ratio * (hi - lo);
                f2 = At(x2).LogResidual;
            }
        }
        var best = At((lo + hi) / 2);
        var atZero = At(0);
        return atZero.LogResidual < best.LogResidual ? atZero : best;
    }

    private static (double Slope, double Intercept, double Residual) Regress(double[] x, double[] y)
    {
        var (meanX, meanY) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }
        var slope = sxx > 0 ? sxy / sxx : 0;
        var intercept = meanY - slope * meanX;
        var residual = x.Select((xi, i) => Math.Pow(y[i] - intercept - slope * xi, 2)).Sum();
        return (slope, intercept, residual);
    }
}
