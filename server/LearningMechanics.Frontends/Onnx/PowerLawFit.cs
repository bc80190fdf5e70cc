using System.Collections.Immutable;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// A power-law fit p(lambda) ~ lambda^-Alpha of the tail lambda >= XMin of an empirical spectral density, as WeightWatcher
/// fits the eigenvalues of W^T W (Martin and Mahoney 2021, "Implicit self-regularization in deep neural networks",
/// JMLR 22(165); arXiv:1810.01075). Alpha is the continuous maximum-likelihood estimate and XMin minimises the
/// Kolmogorov–Smirnov distance <see cref="KsDistance"/> (Clauset, Shalizi and Newman 2009, SIAM Review 51(4), eqs. 3.1, 3.9).
/// WeightWatcher reads alpha in [2, 6] as well trained, below 2 as over-trained (very heavy tailed), above 6 as under-trained.
/// </summary>
public sealed record PowerLawFit(PowerLawFitStatus Status, double? Alpha, double? XMin, int TailCount, double? KsDistance, string? Reason)
{
    /// <summary>WeightWatcher's default: layers with fewer eigenvalues are not fitted.</summary>
    public const int MinEigenvalues = 50;

    /// <summary>A tail shorter than this gives an alpha dominated by noise.</summary>
    public const int MinTail = 10;

    public static PowerLawFit Skipped(string reason) => new(PowerLawFitStatus.Skipped, null, null, 0, null, reason);

    public static PowerLawFit Pending { get; } = new(PowerLawFitStatus.Pending, null, null, 0, null, "the eigenvalue spectrum is computed in the background");

    public static PowerLawFit Failed(string reason) => new(PowerLawFitStatus.Failed, null, null, 0, null, reason);

    /// <summary>Fits the tail of the eigenvalues (any order; zeros and values below 1e-10 of the largest are dropped).</summary>
    public static PowerLawFit Fit(IEnumerable<double> eigenvalues)
    {
        var all = eigenvalues.Where(double.IsFinite).ToArray();
        if (all.Length == 0)
            return new(PowerLawFitStatus.Failed, null, null, 0, null, "no finite eigenvalues");
        var top = all.Max();
        var values = all.Where(v => v > 1e-10 * top && v > 0).Order().ToImmutableArray();
        if (values.Length < MinEigenvalues)
            return Skipped($"{values.Length} nonzero eigenvalues, fewer than the {MinEigenvalues} a fit needs");
        var n = values.Length;
        // Suffix sums of ln(lambda) give each candidate's MLE in O(1): alpha = 1 + m / sum_{i>=k} ln(lambda_i / xmin).
        var suffixLog = new double[n + 1];
        for (var i = n - 1; i >= 0; i--)
            suffixLog[i] = suffixLog[i + 1] + Math.Log(values[i]);
        (double Alpha, double XMin, int Tail, double D)? best = null;
        for (var k = 0; k <= n - MinTail; k++)
        {
            if (k > 0 && values[k] == values[k - 1])
                continue;
            var xmin = values[k];
            var m = n - k;
            var logSum = suffixLog[k] - m * Math.Log(xmin);
            if (!(logSum > 0))
                continue;
            var alpha = 1 + m / logSum;
            // KS distance between the empirical tail CDF and 1 - (x/xmin)^(1-alpha), evaluated on both sides of each step.
            var d = 0.0;
            for (var i = k; i < n; i++)
            {
                var model = 1 - Math.Pow(values[i] / xmin, 1 - alpha);
                var before = (double)(i - k) / m;
                var after = (double)(i - k + 1) / m;
                d = Math.Max(d, Math.Max(Math.Abs(model - before), Math.Abs(after - model)));
            }
            if (best is null || d < best.Value.D)
                best = (alpha, xmin, m, d);
        }
        if (best is not { } fit || !double.IsFinite(fit.Alpha))
            return new(PowerLawFitStatus.Failed, null, null, 0, null, "no tail of at least 10 distinct eigenvalues gives a finite alpha");
        return new(PowerLawFitStatus.Success, fit.Alpha, fit.XMin, fit.Tail, fit.D, null);
    }
}
