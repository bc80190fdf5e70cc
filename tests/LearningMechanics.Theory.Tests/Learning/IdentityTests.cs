using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Learning;

/// <summary>Identities of THEORY.md §6.1 and §8.2 checked against an independent computation (rows 17 and 24).</summary>
public sealed class IdentityTests
{
    [Theory]
    [InlineData(0.0, 1.0, 1.0, 0.5)]
    [InlineData(0.0, 0.7, 2.3, -0.8)]
    [InlineData(0.0, 2.0, 2.0, 0.999)]
    [InlineData(0.01, 1.0, 1.5, 0.3)]
    [InlineData(0.2, 0.4, 3.0, -0.2)]
    public void AbReluClosedForms_MatchSplitQuadrature(double negativeSlope, double q1, double q2, double c)
    {
        // THEORY.md §6.1 arc-cosine kernels (Cho & Saul 2009; leaky as in neural-tangents ABRelu) against Gauss–Legendre
        // quadrature split at the kink (§3: Gauss–Hermite would be biased there).
        var rule = AbReluRule.LeakyRelu(negativeSlope);
        double Phi(double x) => x > 0 ? x : negativeSlope * x;
        double Slope(double x) => x > 0 ? 1 : negativeSlope;
        var closed = rule.Moments(q1, q2, c * Math.Sqrt(q1 * q2));
        var sigma = GaussianExpectation.Split2D((u, v) => Phi(u) * Phi(v), q1, q2, c, [0.0]);
        var sigmaDot = GaussianExpectation.Split2D((u, v) => Slope(u) * Slope(v), q1, q2, c, [0.0]);
        Assert.Equal(sigma, closed.Sigma, 1e-6 * Math.Sqrt(q1 * q2));
        Assert.Equal(sigmaDot, closed.SigmaDot, 1e-6);
    }

    [Theory]
    [InlineData(1.0, "monotone")]
    [InlineData(1.9, "monotone")]
    [InlineData(2.1, "catapult")]
    [InlineData(3.0, "catapult")]
    [InlineData(3.9, "catapult")]
    [InlineData(4.1, "divergent")]
    [InlineData(5.0, "divergent")]
    public void UvModel_CatapultBand_Row24(double multiple, string expected)
    {
        // THEORY.md Appendix A6: f = u·v/sqrt(n), n = 4000, u, v ~ N(0, I), y = 1, loss (f - y)²/2, lambda_0 = (|u|² + |v|²)/n,
        // eta = m/lambda_0. The engine's bands: monotone below eta_crit = 2/lambda_0, catapult up to CatapultRatio x eta_crit.
        const int n = 4000;
        var random = new Random(11);
        var (u, v) = (new double[n], new double[n]);
        for (var i = 0; i < n; i++)
            (u[i], v[i]) = (Gaussian.Normal(random), Gaussian.Normal(random));
        var lambda0 = (Dot(u, u) + Dot(v, v)) / n;
        var eta = multiple / lambda0;
        var predicted = eta < 2 / lambda0 ? "monotone" : eta < LearningRateLimits.CatapultRatio * 2 / lambda0 ? "catapult" : "divergent";
        Assert.Equal(expected, predicted);

        var scale = 1 / Math.Sqrt(n);
        var loss = Loss();
        var (initial, peak, monotone) = (loss, loss, true);
        for (var step = 0; step < 3000 && double.IsFinite(loss) && loss < 1e12; step++)
        {
            var residual = Dot(u, v) * scale - 1;
            for (var i = 0; i < n; i++)
                (u[i], v[i]) = (u[i] - eta * residual * v[i] * scale, v[i] - eta * residual * u[i] * scale);
            var next = Loss();
            monotone &= next <= loss * (1 + 1e-9) || loss < 1e-20;
            peak = Math.Max(peak, next);
            loss = next;
        }
        var observed = !double.IsFinite(loss) || loss > 1e6 ? "divergent" : monotone ? "monotone" : "catapult";
        Assert.Equal(expected, observed);
        if (observed == "catapult")
        {
            Assert.True(peak > initial, "a catapult run spikes first");
            Assert.True(loss < 1e-6, $"then converges (final loss {loss:G3})");
            var finalSharpness = (Dot(u, u) + Dot(v, v)) / n;
            Assert.True(eta * finalSharpness < 2, $"at a flatter point: eta lambda = {eta * finalSharpness:G3}");
        }

        double Loss()
        {
            var r = Dot(u, v) * scale - 1;
            return r * r / 2;
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
