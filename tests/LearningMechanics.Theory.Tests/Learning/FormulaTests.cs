using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Learning;

/// <summary>THEORY.md §16 rows 14, 19, 30, 32, 33, 35, 36, 37.</summary>
public sealed class FormulaTests
{
    [Theory]
    [InlineData("Tanh", 2.536, 1.178)]
    [InlineData("GELU", 2.352, 1.072)]
    [InlineData("SiLU", 2.811, 1.067)]
    [InlineData("ELU", 1.551, 1.036)]
    public void VariancePreservingGain_MatchesRow14(string name, double gain, double chi1)
    {
        ActivationRule phi = name switch { "Tanh" => Activations.Tanh, "GELU" => Activations.Gelu, "SiLU" => Activations.Silu, _ => Activations.Elu(1) };
        var result = MeanFieldTheory.VariancePreserving(phi);
        Assert.InRange(result.Gain, gain - 0.002, gain + 0.002);
        Assert.InRange(result.Chi1, chi1 - 0.002, chi1 + 0.002);
    }

    [Fact]
    public void CrossEntropyInitialLoss_MatchesRow19()
    {
        Assert.InRange(InitialLoss.CrossEntropy(10, 0.1), 2.3476 * 0.995, 2.3476 * 1.005);
        Assert.True(InitialLoss.CrossEntropyUpperBound(10, 0.1) >= InitialLoss.CrossEntropy(10, 0.1));
    }

    [Fact]
    public void SaxeLogistic_SolvesTheModeOde()
    {
        // Row 30 [D]: a(tau) solves da/dtau = 2 a (s - a); RK4 on the ODE must agree to < 3% (here far tighter).
        const double s = 3, a0 = 1e-4, dt = 1e-4;
        var a = a0;
        for (var step = 0; step < 30000; step++)
        {
            double F(double x) => 2 * x * (s - x);
            var (k1, k2) = (F(a), F(a + dt / 2 * F(a)));
            var k3 = F(a + dt / 2 * k2);
            var k4 = F(a + dt * k3);
            a += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        Assert.Equal(DeepLinear.ModeStrength(s, a0, 3.0), a, 1e-6);
        Assert.Equal(Math.Log(s / a0) / (2 * s), DeepLinear.HalfTime(s, a0), 1e-3);
        Assert.Equal(2 * a0 * (s - a0), DeepLinear.Rate(s, a0, 2), 12);
    }

    [Theory]
    [InlineData(50, 0.00912, 0.1776)]
    [InlineData(200, 0.000973, 0.0758)]
    public void Eigenlearning_MatchesRow32(int n, double kappa, double testMse)
    {
        const int modes = 2000;
        var lambda = Enumerable.Range(1, modes).Select(i => Math.Pow(i, -1.5)).ToArray();
        var raw = Enumerable.Range(1, modes).Select(i => Math.Pow(i, -0.75)).ToArray();
        var norm = Math.Sqrt(raw.Sum(v => v * v));
        var result = Eigenlearning.Predict(lambda, raw.Select(v => v / norm).ToArray(), n);
        Assert.InRange(result.Kappa, kappa * 0.95, kappa * 1.05);
        Assert.InRange(result.TestMse, testMse * 0.95, testMse * 1.05);
    }

    [Fact]
    public void PowerLawLossCurve_ExponentMatchesRow33()
    {
        // Row 33 [D]+[C]: lambda_k ∝ k^-1.5, p_k ∝ k^-2 gives L ∝ tau^-0.667; fit on tau in [1e2, 1e4] within ±0.01.
        const int modes = 1_000_000;
        var lambda = Enumerable.Range(1, modes).Select(k => Math.Pow(k, -1.5)).ToArray();
        var power = Enumerable.Range(1, modes).Select(k => Math.Pow(k, -2.0)).ToArray();
        var times = new[] { 1e2, 1e3, 1e4 };
        var loss = LinearizedDynamics.GradientFlow(lambda, power, 1, LossConvention.HalfMseMean, times);
        var slope = (Math.Log(loss[2]) - Math.Log(loss[0])) / (Math.Log(times[2]) - Math.Log(times[0]));
        Assert.InRange(-slope, 0.667 - 0.01, 0.667 + 0.01);
        Assert.Equal(0.5 / 1.5, LinearizedDynamics.PowerLawExponent(1.5, 1.5), 12);
    }

    [Fact]
    public void LinearizedGd_OneModeDecaysAsOneMinusEtaLambdaOverM()
    {
        // THEORY.md §7.1 with the 1/2: L(t) = (1/(2m)) (1 - eta lambda/m)^{2t} p.
        var loss = LinearizedDynamics.GradientDescent([4.0], [1.0], 0.5, 2, LossConvention.HalfMseMean, [0, 3]);
        Assert.Equal(0.25, loss[0], 12);
        Assert.Equal(0.25 * Math.Pow(1 - 0.5 * 4 / 2, 6), loss[1], 12);
        // TorchSharp's MSELoss(mean) has no 1/2: twice the loss and twice the step's contraction.
        var torch = LinearizedDynamics.GradientDescent([4.0], [1.0], 0.25, 2, LossConvention.TorchMseMean, [0, 3]);
        Assert.Equal(0.5, torch[0], 12);
        Assert.Equal(0.5 * Math.Pow(1 - 2 * 0.25 * 4 / 2, 6), torch[1], 12);
    }

    [Fact]
    public void ComputeOptimalTokensPerParameter_MatchesRow35()
    {
        var (hoffmannN, hoffmannD) = ScalingLaws.Hoffmann.ComputeOptimal(5.76e23);
        var (epochN, epochD) = ScalingLaws.Epoch.ComputeOptimal(5.76e23);
        Assert.InRange(hoffmannD / hoffmannN, 88, 98);
        Assert.InRange(epochD / epochN, 17, 19);
        Assert.InRange(epochN, 7.2e10 * 0.95, 7.2e10 * 1.05);
    }

    [Fact]
    public void KaplanLaws_MatchRows36And37()
    {
        Assert.Equal(2.376, ScalingLaws.KaplanLossOfParameters(1e9), 3);
        Assert.Equal(2.262, ScalingLaws.KaplanLossOfTokens(1e10), 3);
        Assert.InRange(ScalingLaws.KaplanCriticalBatch(3.0), 1.07e6 * 0.95, 1.07e6 * 1.05);
        Assert.InRange(ScalingLaws.KaplanCriticalBatch(4.0), 2.7e5 * 0.95, 2.7e5 * 1.05);
    }
}
