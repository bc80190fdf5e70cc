using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Numerics;

/// <summary>Tabulated correlation maps against direct 64 x 64 Gauss–Hermite quadrature (THEORY.md §3, §15) [C].</summary>
public sealed class CorrelationTableTests
{
    public static TheoryData<string, double, double> SmoothCases()
    {
        var data = new TheoryData<string, double, double>();
        foreach (var name in new[] { "Tanh", "GELU", "SiLU", "Sigmoid", "Softplus", "Mish" })
            foreach (var (q1, q2) in new[] { (0.05, 0.05), (0.57, 0.57), (1.0, 1.0), (2.5, 2.5), (0.5, 2.0) })
                data.Add(name, q1, q2);
        return data;
    }

    private static NumericActivationRule Rule(string name) => name switch
    {
        "Tanh" => Activations.Tanh,
        "GELU" => Activations.Gelu,
        "SiLU" => Activations.Silu,
        "Sigmoid" => Activations.Sigmoid,
        "Softplus" => Activations.Softplus,
        _ => Activations.Mish,
    };

    [Theory]
    [MemberData(nameof(SmoothCases))]
    public void Table_MatchesDirectQuadrature(string name, double q1, double q2)
    {
        var rule = Rule(name);
        var table = CorrelationTable.TryBuild(rule.Phi, rule.PhiPrime, q1, q2);
        Assert.NotNull(table);
        Assert.True(table.ErrorBound <= CorrelationTable.DefaultTolerance, $"bound {table.ErrorBound}");
        var scaleF = Math.Sqrt(rule.SecondMoment(q1) * rule.SecondMoment(q2));
        var scaleD = Math.Sqrt(rule.SlopeSecondMoment(q1) * rule.SlopeSecondMoment(q2));
        foreach (var c in new[] { -1.0, -0.99, -0.013, 0.3, 0.77, 0.999, 0.99999, 1.0 })
        {
            var (f, d) = table.At(c);
            var referenceF = Reference(rule.Phi, q1, q2, c);
            var referenceD = Reference(rule.PhiPrime, q1, q2, c);
            Assert.True(Math.Abs(f - referenceF) <= 1e-8 * scaleF, $"{name} F({c}) = {f} vs {referenceF}");
            Assert.True(Math.Abs(d - referenceD) <= 1e-8 * scaleD, $"{name} D({c}) = {d} vs {referenceD}");
            // The engine's own 64 x 64 grid agrees to its accuracy (it degrades towards |c| = 1 at long lengths).
            var direct = rule.Moments(q1, q2, c * Math.Sqrt(q1 * q2));
            Assert.True(Math.Abs(f - direct.Sigma) <= 1e-4 * scaleF, $"{name} F({c}) = {f} vs grid {direct.Sigma}");
        }
    }

    /// <summary>E[g(u) g(v)] on a 300 x 300 Gauss–Hermite grid: a reference finer than the engine's 64 x 64 (and than 160 points, which is off by 4e-8 for tanh at q = 2.5).</summary>
    private static double Reference(Func<double, double> g, double q1, double q2, double c)
    {
        var rule = GaussHermite.Of(300);
        var (s1, s2, sine) = (Math.Sqrt(q1), Math.Sqrt(q2), Math.Sqrt(Math.Max(0, 1 - c * c)));
        var sum = 0.0;
        for (var i = 0; i < rule.Count; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < rule.Count; j++)
                inner += rule.Weights[j] * g(s2 * (c * rule.Nodes[i] + sine * rule.Nodes[j]));
            sum += rule.Weights[i] * g(s1 * rule.Nodes[i]) * inner;
        }
        return sum;
    }

    [Fact]
    public void Table_AtCOne_IsTheLengthMap()
    {
        // c = 1: F = E[phi(sqrt(q) z)^2] (q-map) and D = E[phi'^2] (chi_1 / sigma_w^2), THEORY.md §2–§3.
        var table = Activations.Tanh.TableFor(0.5700, 0.5700)!;
        Assert.Equal(Activations.Tanh.SecondMoment(0.57), table.At(1).F, 1e-9);
        Assert.Equal(Activations.Tanh.SlopeSecondMoment(0.57), table.At(1).D, 1e-9);
    }

    [Fact]
    public void Table_KinkedOrSaturatedPhi_HasNoMehlerSeries()
    {
        // Kinks make the Hermite coefficients decay algebraically; a very long length makes tanh a step.
        var elu = Activations.Elu(1.0);
        Assert.Null(CorrelationTable.TryBuild(elu.Phi, elu.PhiPrime, 1, 1));
        Assert.Null(CorrelationTable.TryBuild(Activations.Hardtanh.Phi, Activations.Hardtanh.PhiPrime, 1, 1));
        Assert.Null(CorrelationTable.TryBuild(Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x), 1e4, 1e4));
    }

    [Theory]
    [InlineData("ELU", 1.0, 1.0)]
    [InlineData("ELU", 0.5, 2.0)]
    [InlineData("SELU", 1.0, 1.0)]
    public void Table_KinkedPhi_AngularGridMatchesSplitQuadrature(string name, double q1, double q2)
    {
        // THEORY.md §3: Gauss–Hermite is biased at kinks, so kinked phi get an arccos-uniform grid of split quadratures.
        var rule = name == "ELU" ? Activations.Elu(1.0) : Activations.Selu;
        var table = rule.TableFor(q1, q2);
        Assert.NotNull(table);
        Assert.True(table.IsAngular);
        Assert.True(table.ErrorBound <= 1e-4, $"measured error {table.ErrorBound}");
        var random = new Random(5);
        var scale = rule.Moments(q1, q2, Math.Sqrt(q1 * q2));
        foreach (var c in new[] { -1.0, -0.999, 0.0, 0.5, 0.99, 0.9999, 1.0 }.Concat(Enumerable.Range(0, 20).Select(_ => 2 * random.NextDouble() - 1)))
        {
            var exact = rule.Moments(q1, q2, c * Math.Sqrt(q1 * q2));
            var (f, d) = table.At(c);
            Assert.True(Math.Abs(f - exact.Sigma) <= 1e-4 * Math.Abs(scale.Sigma), $"F({c}) = {f} vs {exact.Sigma}");
            Assert.True(Math.Abs(d - exact.SigmaDot) <= 1e-4 * Math.Abs(scale.SigmaDot), $"D({c}) = {d} vs {exact.SigmaDot}");
        }
    }

    [Fact]
    public void AngularTable_OfTheReluClosedForm_IsExactToInterpolationError()
    {
        // The arc-cosine kernels are smooth in theta, so the angular grid reproduces them (THEORY.md §6.1) up to the ends.
        var table = CorrelationTable.FromAngularSamples(c =>
        {
            var m = AbReluRule.Relu.Moments(1, 1, c);
            return (m.Sigma, m.SigmaDot);
        });
        for (var c = -1.0; c <= 1.0; c += 0.001)
        {
            var m = AbReluRule.Relu.Moments(1, 1, c);
            var (f, d) = table.At(c);
            Assert.Equal(m.Sigma, f, 1e-8);
            Assert.Equal(m.SigmaDot, d, 1e-8);
        }
    }

    [Theory]
    [InlineData(ActivationKind.Tanh, 1.7610, 0.05)]
    [InlineData(ActivationKind.GELU, 2.0, 0.0)]
    [InlineData(ActivationKind.ELU, 1.5, 0.1)]
    public void DataKernel_TabulatedMatchesDirect(ActivationKind phi, double sigmaW2, double sigmaB2)
    {
        // Five hidden layers, 24 equal-norm probes: every NTK and NNGP entry within 1e-6 of the direct 64 x 64 path, whose
        // own error (up to ~1e-7 here, at correlations near 1) dominates the difference; THEORY.md's analytic tolerance is 1e-4.
        var graph = Graphs.Mlp(inputs: 32, width: 512, hiddenLayers: 5, phi, Graphs.FanIn(sigmaW2),
            sigmaB2 > 0 ? new Model.Init.NormalInit(0, Math.Sqrt(sigmaB2)) : new Model.Init.ConstantInit(0));
        var gram = DataKernels.SyntheticGram(24, 32, 1.0, seed: 3);
        foreach (var parameterization in new[] { Parameterization.Ntk, Parameterization.Standard })
        {
            var tabulated = DataKernels.AtOutput(graph, gram, parameterization).Kernel!;
            var direct = DataKernels.AtOutput(graph, gram, parameterization, KernelQuadrature.Direct).Kernel!;
            for (var i = 0; i < 24; i++)
                for (var j = 0; j < 24; j++)
                {
                    Assert.Equal(direct.Theta(i, j), tabulated.Theta(i, j), 1e-6 * Math.Abs(direct.Theta(i, i)));
                    Assert.Equal(direct.Sigma(i, j), tabulated.Sigma(i, j), 1e-6 * Math.Abs(direct.Sigma(i, i)));
                }
        }
    }

    [Fact]
    public void DataKernel_GeluAtLargeQ_AngularTableMatchesDirect()
    {
        // E[x^2] = 200: q stays near 400 through He-init GELU layers, where the Hermite series of GELU converges too slowly for a
        // Mehler table. The angular table (bound 1e-4) must stand in for the direct quadrature; before it did, every pair of
        // every layer ran a 96 x 96 quadrature (25 s for 50 layers on 64 probes).
        var rule = (NumericActivationRule)Activations.For(new Activation(ActivationKind.GELU))!;
        Assert.True(rule.TableFor(400, 400)!.IsAngular);
        var graph = Graphs.Mlp(inputs: 32, width: 512, hiddenLayers: 5, ActivationKind.GELU, Graphs.FanIn(2.0), new Model.Init.ConstantInit(0), inputSecondMoment: 200);
        var gram = DataKernels.SyntheticGram(16, 32, 200, seed: 3);
        var tabulated = DataKernels.AtOutput(graph, gram, Parameterization.Standard).Kernel!;
        var direct = DataKernels.AtOutput(graph, gram, Parameterization.Standard, KernelQuadrature.Direct).Kernel!;
        Assert.InRange(tabulated.Q(0), 100, 1000);
        for (var i = 0; i < 16; i++)
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(direct.Theta(i, j), tabulated.Theta(i, j), 5e-4 * Math.Abs(direct.Theta(i, i)));
                Assert.Equal(direct.Sigma(i, j), tabulated.Sigma(i, j), 5e-4 * Math.Abs(direct.Sigma(i, i)));
            }
    }

    [Fact]
    public void SyntheticGram_ProbesShareOneLength()
    {
        var gram = DataKernels.SyntheticGram(16, 40, 2.5, seed: 1);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(2.5, gram[i, i]);
            for (var j = 0; j < 16; j++)
                Assert.InRange(Math.Abs(gram[i, j]), 0, 2.5 * (1 + 1e-12));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(200)]
    public void Lanczos_MatchesFullEigendecomposition(int n)
    {
        var random = new Random(n);
        var factor = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                factor[i, j] = random.NextDouble() - 0.3;
        var symmetric = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                    sum += factor[i, k] * factor[j, k];
                symmetric[i, j] = sum;
            }
        var exact = DataKernels.Eigenvalues(symmetric)[^1];
        Assert.Equal(exact, DataKernels.LambdaMax(symmetric), 1e-10 * exact);
    }
}
