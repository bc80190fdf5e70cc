using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Kernels;

/// <summary>
/// The grid read of equal-length probes (DataKernels.AtOutput from 128 probes) against the pair-by-pair propagation
/// (KernelPropagation.Run), which computes every pair with the rules directly.
/// </summary>
public sealed class EqualLengthPropagationTests
{
    public static TheoryData<string, ActivationKind, double, double, int> Nets => new()
    {
        { "critical tanh, 50 layers", ActivationKind.Tanh, 1.7610, 0.05, 50 },
        { "chaotic tanh, 30 layers", ActivationKind.Tanh, 4.0, 0.05, 30 },
        { "ordered tanh, 20 layers", ActivationKind.Tanh, 0.5, 0.1, 20 },
        { "GELU, 20 layers", ActivationKind.GELU, 2.0, 0.0, 20 },
        { "He ReLU, 50 layers", ActivationKind.ReLU, 2.0, 0.0, 50 },
        { "ELU (kinked tables), 12 layers", ActivationKind.ELU, 1.551, 0.0, 12 },
    };

    [Theory]
    [MemberData(nameof(Nets))]
    public void GridRead_EqualsPairByPair_WithinOneBillionth(string name, ActivationKind phi, double sigmaW2, double sigmaB2, int layers)
    {
        var graph = Mlp(phi, sigmaW2, sigmaB2, layers, inputs: 32, width: 256);
        var gram = DataKernels.SyntheticGram(160, 32, 1.0, seed: 5);
        foreach (var parameterization in new[] { Parameterization.Standard, Parameterization.Ntk })
        {
            var fast = EqualLengthPropagation.TryRun(graph, gram, parameterization, KernelQuadrature.Tabulated, default)?.Kernel;
            Assert.NotNull(fast); // the grid passed its own error check
            var exact = KernelPropagation.Run(graph, KernelMatrix.FromInputGram(gram), parameterization)[graph.Output].Kernel!;
            AssertClose(exact, fast, 1e-9, name);
        }
    }

    [Fact]
    public void ResidualLayerNormNet_GridRead_EqualsPairByPair()
    {
        // Residual sums (AddRule), LayerNorm centering with the activation's mean, and a dropout gain: every rule reads the
        // pair's own entries and the common length, so the grid read must agree.
        var builder = new GraphBuilder("res", ModelOrigin.Synthetic, TensorShape.Of(24));
        var stem = builder.Then(new Linear(24, 128), weightInit: new NormalInit(0, Math.Sqrt(1.0 / 24)), biasInit: new NormalInit(0, 0.1));
        var x = stem;
        for (var block = 0; block < 6; block++)
        {
            var norm = builder.Add(new LayerNorm([128]), [x]);
            var act = builder.Add(new Activation(ActivationKind.GELU), [norm]);
            var drop = builder.Add(new Dropout(0.1), [act]);
            var branch = builder.Add(new Linear(128, 128), [drop], weightInit: new NormalInit(0, Math.Sqrt(1.0 / 128)), biasInit: new NormalInit(0, 0.1));
            x = builder.Add(new Add(), [x, branch]);
        }
        builder.Add(new Linear(128, 1), [x], weightInit: new NormalInit(0, Math.Sqrt(1.0 / 128)));
        var graph = builder.Build();
        var gram = DataKernels.SyntheticGram(130, 24, 2.0, seed: 9);
        var fast = EqualLengthPropagation.TryRun(graph, gram, Parameterization.Standard, KernelQuadrature.Tabulated, default)?.Kernel;
        Assert.NotNull(fast);
        var exact = KernelPropagation.Run(graph, KernelMatrix.FromInputGram(gram), Parameterization.Standard)[graph.Output].Kernel!;
        AssertClose(exact, fast, 1e-9, "residual");
    }

    [Fact]
    public void UnequalLengths_ArePropagatedPairByPair()
    {
        var graph = Mlp(ActivationKind.Tanh, 1.7610, 0.05, 10, inputs: 16, width: 128);
        var gram = DataKernels.SyntheticGram(140, 16, 1.0, seed: 2);
        gram[3, 3] = 1.5; // one probe of another length: the grid does not apply
        Assert.Null(EqualLengthPropagation.TryRun(graph, gram, Parameterization.Standard, KernelQuadrature.Tabulated, default));
        var fast = DataKernels.AtOutput(graph, gram, Parameterization.Standard).Kernel!;
        var exact = KernelPropagation.Run(graph, KernelMatrix.FromInputGram(gram), Parameterization.Standard)[graph.Output].Kernel!;
        AssertClose(exact, fast, 0, "unequal");
    }

    [Fact]
    public void RunToOutput_RecyclingArrays_GivesTheSameKernelEveryTime()
    {
        // Intermediate arrays go back to the pool and are reused by later rules (and later runs): a wrongly recycled array
        // would change the result of a later run.
        var graph = Mlp(ActivationKind.Tanh, 2.5, 0.05, 20, inputs: 16, width: 128);
        var gram = DataKernels.SyntheticGram(100, 16, 1.0, seed: 4);
        var exact = KernelPropagation.Run(graph, KernelMatrix.FromInputGram(gram), Parameterization.Standard)[graph.Output].Kernel!;
        for (var run = 0; run < 3; run++)
        {
            var recycled = KernelPropagation.RunToOutput(graph, KernelMatrix.FromInputGram(gram), Parameterization.Standard).Kernel!;
            AssertClose(exact, recycled, 0, $"run {run}");
        }
    }

    private static void AssertClose(KernelMatrix exact, KernelMatrix actual, double relative, string name)
    {
        Assert.Equal(exact.Count, actual.Count);
        var (sigmaScale, thetaScale) = (0.0, 0.0);
        for (var i = 0; i < exact.Count; i++)
            for (var j = i; j < exact.Count; j++)
                (sigmaScale, thetaScale) = (Math.Max(sigmaScale, Math.Abs(exact.Sigma(i, j))), Math.Max(thetaScale, Math.Abs(exact.Theta(i, j))));
        for (var i = 0; i < exact.Count; i++)
            for (var j = i; j < exact.Count; j++)
            {
                Assert.True(Math.Abs(exact.Sigma(i, j) - actual.Sigma(i, j)) <= relative * sigmaScale, $"{name}: Sigma({i},{j}) {actual.Sigma(i, j):R} vs {exact.Sigma(i, j):R}");
                Assert.True(Math.Abs(exact.Theta(i, j) - actual.Theta(i, j)) <= relative * thetaScale, $"{name}: Theta({i},{j}) {actual.Theta(i, j):R} vs {exact.Theta(i, j):R}");
                Assert.True(Math.Abs(exact.SigmaDot(i, j) - actual.SigmaDot(i, j)) <= relative * 1.0 + relative * Math.Abs(exact.SigmaDot(i, j)), $"{name}: SigmaDot({i},{j})");
            }
    }

    private static ModelGraph Mlp(ActivationKind phi, double sigmaW2, double sigmaB2, int layers, int inputs, int width)
    {
        var builder = new GraphBuilder("mlp", ModelOrigin.Synthetic, TensorShape.Of(inputs));
        InitSpec bias = new NormalInit(0, Math.Sqrt(sigmaB2));
        long fanIn = inputs;
        for (var layer = 0; layer < layers - 1; layer++)
        {
            builder.Then(new Linear(fanIn, width), weightInit: new NormalInit(0, Math.Sqrt(sigmaW2 / fanIn)), biasInit: bias);
            builder.Then(new Activation(phi));
            fanIn = width;
        }
        builder.Then(new Linear(fanIn, 1), weightInit: new NormalInit(0, Math.Sqrt(sigmaW2 / fanIn)), biasInit: bias);
        return builder.Build();
    }
}
