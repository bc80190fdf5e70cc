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
}
