using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.MeanField;

/// <summary>THEORY.md §16 rows 1, 4, 5, 6, 7 (tanh, [C]/[D]) and row 3's [D] case (erf, sigma_b = 0).</summary>
public sealed class MeanFieldTheoryTests
{
    private static void Within(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected} ± {relative:P1}, got {actual}");

    [Fact]
    public void CriticalSigmaW2_TanhAtSigmaB2_0_05_Is1_7610()
    {
        // Row 1: 1.7610 (q* = 0.5700), ±0.002.
        var critical = MeanFieldTheory.CriticalSigmaW2(Activations.Tanh, 0.05)!.Value;
        Assert.InRange(critical, 1.7610 - 0.002, 1.7610 + 0.002);
        var point = MeanFieldTheory.Solve(Activations.Tanh, critical, 0.05);
        Assert.InRange(point.QStar, 0.5700 - 0.002, 0.5700 + 0.002);
        Assert.Equal(1.0, point.Chi1, 8);
        Assert.Equal(Phase.Critical, point.Phase);
        Assert.True(point.XiC > 1e6);
    }

    [Theory]
    [InlineData(0.01, 1.4242)]
    [InlineData(0.1, 1.9861)]
    public void CriticalSigmaW2_TanhOtherBiases_MatchesRow2(double sigmaB2, double expected) =>
        Assert.InRange(MeanFieldTheory.CriticalSigmaW2(Activations.Tanh, sigmaB2)!.Value, expected - 0.002, expected + 0.002);

    [Fact]
    public void CriticalSigmaW2_TanhWithoutBias_IsExactlyOne() =>
        // Row 4 [D]: phi'(0) = 1.
        Assert.Equal(1.0, MeanFieldTheory.CriticalSigmaW2(Activations.Tanh, 0));

    [Fact]
    public void CriticalSigmaW2_ErfWithoutBias_IsPiOverFour() =>
        // Row 3, first case [D]: erf'(0)^2 = 4/pi.
        Assert.Equal(Math.PI / 4, MeanFieldTheory.CriticalSigmaW2(ErfRule.Instance, 0)!.Value, 12);

    [Theory]
    [InlineData(1.0, 0.759, 3.63, 1.75)]
    [InlineData(1.5, 0.9386, 15.8, 1.68)]
    public void Solve_TanhOrdered_MatchesRows5And6(double sigmaW2, double chi1, double xiC, double xiQ)
    {
        // Rows 5, 6 (±1%); xi_q from THEORY.md §3's [C] list.
        var point = MeanFieldTheory.Solve(Activations.Tanh, sigmaW2, 0.05);
        Within(chi1, point.Chi1, 0.01);
        Within(xiC, point.XiC, 0.01);
        Within(xiQ, point.XiQ, 0.01);
        Assert.Equal(Phase.Ordered, point.Phase);
        Assert.Equal(1.0, point.CStar);
        Assert.True(point.Converged);
    }

    [Fact]
    public void Solve_TanhChaotic_MatchesRow7()
    {
        // Row 7: c* = 0.447, chi_c = 0.9187, xi_c = 11.8, q* = 1.064 (±1%); chi_1 = 1.1335 from §3.
        var point = MeanFieldTheory.Solve(Activations.Tanh, 2.5, 0.05);
        Within(0.447, point.CStar, 0.01);
        Within(0.9187, point.ChiC, 0.01);
        Within(11.8, point.XiC, 0.01);
        Within(1.064, point.QStar, 0.01);
        Within(1.1335, point.Chi1, 0.01);
        Assert.Equal(Phase.Chaotic, point.Phase);
        Assert.True(point.Converged);
    }

    [Fact]
    public void Solve_ReluWithoutBias_HasInfiniteXiCButShrinkingLength()
    {
        // THEORY.md §18: xi_c is infinite at every sigma_w^2, while q^l shrinks as (sigma_w^2/2)^l.
        var point = MeanFieldTheory.Solve(AbReluRule.Relu, 1.5, 0);
        Assert.True(double.IsPositiveInfinity(point.XiC));
        Assert.Equal(0.75, point.LengthFactor, 14);
        Assert.Equal(-1 / Math.Log(0.75), point.XiLength, 12);
    }

    [Fact]
    public void Solve_ReluWithBias_XiCEqualsXiQ()
    {
        // THEORY.md §3 [D]: sigma_b > 0 and sigma_w^2 < 2 give c* = 1 and xi_c = xi_q = -1/ln(sigma_w^2/2).
        var point = MeanFieldTheory.Solve(AbReluRule.Relu, 1.5, 0.1);
        Assert.Equal(-1 / Math.Log(0.75), point.XiC, 12);
        Assert.Equal(point.XiC, point.XiQ, 12);
        Assert.Equal(0.1 / 0.25, point.QStar, 12);
    }
}
