using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Tests.Numerics;

public sealed class GaussHermiteTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(160)]
    public void Weights_SumToOne(int n) => Assert.Equal(1.0, GaussHermite.Of(n).Weights.Sum(), 12);

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 3.0)]
    [InlineData(3, 15.0)]
    [InlineData(5, 945.0)]
    public void EvenMoments_AreDoubleFactorials(int k, double expected) =>
        Assert.Equal(expected, GaussHermite.Of(64).Expect(z => Math.Pow(z, 2 * k)), 1e-8 * expected);

    [Fact]
    public void Nodes_AreSymmetric()
    {
        var rule = GaussHermite.Of(31);
        for (var i = 0; i < rule.Count; i++)
            Assert.Equal(-rule.Nodes[i], rule.Nodes[rule.Count - 1 - i], 12);
    }

    [Fact]
    public void Step_IsBiasedUnderHermite_ButExactWhenSplit()
    {
        // THEORY.md §3: Gauss–Hermite is biased for a discontinuous phi' (201 nodes gave 0.456); splitting at the kink is exact.
        double Step(double z) => z > 0 ? 1 : 0;
        Assert.InRange(GaussHermite.Of(201).Expect(Step), 0.45, 0.47);
        Assert.Equal(0.5, GaussianExpectation.Split(Step, [0.0]), 12);
    }

    [Theory]
    [InlineData(1.0, 1.0, 0.3)]
    [InlineData(0.4, 2.5, -0.7)]
    [InlineData(3.0, 3.0, 0.999)]
    public void ProductForms_EqualTheGenericTwoDimensionalRules(double q1, double q2, double c)
    {
        // One pass for E[f(u)f(v)] and E[h(u)h(v)] must give what the generic rule gives for each product (same nodes).
        static double Elu(double x) => x > 0 ? x : Math.Exp(x) - 1;
        static double EluSlope(double x) => x > 0 ? 1 : Math.Exp(x);
        var (f, h) = GaussianExpectation.Split2DProducts(Elu, EluSlope, q1, q2, c, [0.0]);
        Assert.Equal(GaussianExpectation.Split2D((u, v) => Elu(u) * Elu(v), q1, q2, c, [0.0]), f, 1e-13);
        Assert.Equal(GaussianExpectation.Split2D((u, v) => EluSlope(u) * EluSlope(v), q1, q2, c, [0.0]), h, 1e-13);
        static double Slope(double x) => 1 - Math.Tanh(x) * Math.Tanh(x);
        var (tf, th) = GaussianExpectation.Smooth2DProducts(Math.Tanh, Slope, q1, q2, c);
        Assert.Equal(GaussianExpectation.Smooth2D((u, v) => Math.Tanh(u) * Math.Tanh(v), q1, q2, c), tf, 1e-13);
        Assert.Equal(GaussianExpectation.Smooth2D((u, v) => Slope(u) * Slope(v), q1, q2, c), th, 1e-13);
    }

    [Theory]
    [InlineData(1.0, 1.0, 0.3)]
    [InlineData(0.2, 4.0, -0.8)]
    [InlineData(2.0, 2.0, 0.995)]
    [InlineData(900.0, 900.0, 0.5)]
    [InlineData(1e-3, 1e-3, -0.2)]
    public void EluFamily_ClosedFormInnerExpectation_AgreesWithTwoDimensionalQuadrature(double q1, double q2, double c)
    {
        // The ELU/SELU rules integrate u2 given u1 in closed form (EluConditional); the iterated split Gauss–Legendre
        // quadrature is the independent reference.
        foreach (var rule in new[] { LearningMechanics.Theory.Rules.Activations.Elu(1.0), LearningMechanics.Theory.Rules.Activations.Elu(0.5), LearningMechanics.Theory.Rules.Activations.Selu })
        {
            var moments = rule.Moments(q1, q2, c * Math.Sqrt(q1 * q2));
            var sigma = GaussianExpectation.Split2D((u, v) => rule.Phi(u) * rule.Phi(v), q1, q2, c, rule.Kinks);
            var sigmaDot = GaussianExpectation.Split2D((u, v) => rule.PhiPrime(u) * rule.PhiPrime(v), q1, q2, c, rule.Kinks);
            var scale = Math.Sqrt(rule.SecondMoment(q1) * rule.SecondMoment(q2));
            Assert.True(Math.Abs(moments.Sigma - sigma) <= 1e-9 * scale, $"{rule.Name} Sigma {moments.Sigma:R} vs {sigma:R}");
            Assert.True(Math.Abs(moments.SigmaDot - sigmaDot) <= 1e-9 * Math.Sqrt(rule.SlopeSecondMoment(q1) * rule.SlopeSecondMoment(q2)), $"{rule.Name} SigmaDot {moments.SigmaDot:R} vs {sigmaDot:R}");
        }
    }
}
