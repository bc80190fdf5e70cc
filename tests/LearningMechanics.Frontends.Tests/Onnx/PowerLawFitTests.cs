using LearningMechanics.Frontends.Onnx;

namespace LearningMechanics.Frontends.Tests.Onnx;

public sealed class PowerLawFitTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    public void Fit_ParetoSample_RecoversAlpha(double alpha)
    {
        // Inverse-CDF sampling of p(x) ~ x^-alpha on [1, inf): x = u^(-1/(alpha-1)). Seed 7, 2000 values.
        var random = new Random(7);
        var values = Enumerable.Range(0, 2000).Select(_ => Math.Pow(1 - random.NextDouble(), -1 / (alpha - 1))).ToList();
        var fit = PowerLawFit.Fit(values);

        Assert.Equal(PowerLawFitStatus.Success, fit.Status);
        Assert.Equal(alpha, fit.Alpha!.Value, 0.15 * alpha);
    }

    [Fact]
    public void Fit_TooFewEigenvalues_IsSkippedWithReason()
    {
        var fit = PowerLawFit.Fit(Enumerable.Range(1, 20).Select(i => (double)i));

        Assert.Equal(PowerLawFitStatus.Skipped, fit.Status);
        Assert.Null(fit.Alpha);
        Assert.Contains("fewer than the 50", fit.Reason);
    }

    [Fact]
    public void Fit_AllEqual_FailsInsteadOfReturningANumber()
    {
        var fit = PowerLawFit.Fit(Enumerable.Repeat(1.0, 100));

        Assert.Equal(PowerLawFitStatus.Failed, fit.Status);
        Assert.Null(fit.Alpha);
    }
}
