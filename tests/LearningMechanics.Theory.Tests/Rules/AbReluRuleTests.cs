using LearningMechanics.Model.Init;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Rules;

public sealed class AbReluRuleTests
{
    // Tier 1: closed-form anchors.

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(7.0)]
    public void Chi1_Relu_IsHalfSigmaW2AtAnyQ(double q)
    {
        // THEORY.md §16 row 10 [D]: chi_1 = sigma_w^2/2 whatever q.
        foreach (var sigmaW2 in new[] { 1.0 / 3, 1.5, 2.0, 3.0 })
            Assert.Equal(sigmaW2 / 2, sigmaW2 * AbReluRule.Relu.SlopeSecondMoment(q), 14);
    }

    [Fact]
    public void Chi1_ReluAtSigmaW2Two_IsOneAndCritical()
    {
        var point = MeanFieldTheory.Solve(AbReluRule.Relu, 2.0, 0);
        Assert.Equal(1.0, point.Chi1, 14);
        Assert.Equal(Phase.Critical, point.Phase);
        Assert.Equal(2.0, MeanFieldTheory.CriticalSigmaW2(AbReluRule.Relu, 0));
    }

    [Fact]
    public void Chi1_TorchDefaultInit_IsOneSixth()
    {
        // THEORY.md §16 row 12: Var W = 1/(3 fan_in), so sigma_w^2 = 1/3 and ReLU chi_1 = 1/6.
        var sigmaW2 = TorchDefaultInit.Instance.SigmaW2(784, 256);
        Assert.Equal(1.0 / 3, sigmaW2, 14);
        Assert.Equal(1.0 / 6, MeanFieldTheory.Solve(AbReluRule.Relu, sigmaW2, 1.0 / (3 * 256)).Chi1, 14);
    }

    [Fact]
    public void Moments_ReluArcCosine_MatchesTheoryNtkRow()
    {
        // THEORY.md §6.1: q = 2, k = 1 (cos 0.5): E[relu relu] = (1/pi)(sin(pi/3) + (2pi/3)/2), E[step step] = 1/3.
        var moments = AbReluRule.Relu.Moments(2, 2, 1);
        Assert.Equal((Math.Sin(Math.PI / 3) + 2 * Math.PI / 3 * 0.5) / Math.PI, moments.Sigma, 12);
        Assert.Equal(1.0 / 3, moments.SigmaDot, 12);
    }

    [Fact]
    public void CorrelationDecay_CriticalRelu_FollowsNinePiSquaredOverTwoLSquared()
    {
        // THEORY.md §16 row 13 [D]+[C]: 1 - c_l ≈ 9 pi^2/(2 l^2); at l = 1000 iteration gives 4.31e-5 (5% at l >= 500).
        var c = 0.0;
        for (var layer = 1; layer <= 1000; layer++)
            c = MeanFieldTheory.CorrelationMap(AbReluRule.Relu, 2.0, 0, 1.0, c);
        Assert.InRange(1 - c, 4.31e-5 * 0.95, 4.31e-5 * 1.05);
        Assert.InRange(1 - c, 9 * Math.PI * Math.PI / 2 / 1e6 * 0.95, 9 * Math.PI * Math.PI / 2 / 1e6 * 1.05);
    }

    // Tier 2: closed forms against split quadrature over a grid of (q1, q2, c).

    public static TheoryData<double, double, double, double> Grid()
    {
        var data = new TheoryData<double, double, double, double>();
        foreach (var a in new[] { 0.0, 0.1, -1.0 })
            foreach (var (q1, q2) in new[] { (1.0, 1.0), (0.3, 2.0), (4.0, 0.5) })
                foreach (var c in new[] { -0.7, 0.0, 0.5, 0.95 })
                    data.Add(a, q1, q2, c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void Moments_AgreeWithSplitQuadrature(double a, double q1, double q2, double c)
    {
        var rule = new AbReluRule(a, 1);
        double Phi(double x) => x > 0 ? x : a * x;
        double PhiPrime(double x) => x > 0 ? 1 : a;
        var closed = rule.Moments(q1, q2, c * Math.Sqrt(q1 * q2));
        Assert.Equal(GaussianExpectation.Split2D((u, v) => Phi(u) * Phi(v), q1, q2, c, [0.0]), closed.Sigma, 1e-8);
        Assert.Equal(GaussianExpectation.Split2D((u, v) => PhiPrime(u) * PhiPrime(v), q1, q2, c, [0.0]), closed.SigmaDot, 1e-8);
    }
}
