using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Tests.Kernels;

public sealed class DataKernelsTests
{
    [Fact]
    public void Ntk_OneHiddenReluHeInit_MatchesReference()
    {
        // THEORY.md §16 row 17 [D]+[C]: ||x||² = n_0, cos 0.5, (2, 0): Theta = [[4, 1.8847], [., 4]], NNGP off-diagonal 1.2180.
        var graph = Graphs.Mlp(inputs: 10, width: 1024, hiddenLayers: 1, ActivationKind.ReLU, Graphs.FanIn(2), hasBias: false);
        var kernel = DataKernels.AtOutput(graph, new[,] { { 1, 0.5 }, { 0.5, 1 } }, Parameterization.Ntk).Kernel!.ToPair();
        Assert.Equal(4, kernel.Theta1, 1e-4);
        Assert.Equal(4, kernel.Theta2, 1e-4);
        Assert.Equal(1.8847, kernel.Theta, 1e-4);
        Assert.Equal(2, kernel.Q1, 1e-4);
        Assert.Equal(1.2180, kernel.Sigma, 1e-4);
    }

    [Fact]
    public void Ntk_HeReluWithoutBias_DiagonalGrowsLinearlyWithDepth()
    {
        // THEORY.md §6.1 rule of thumb [D]: Theta(x, x) = sigma_w^2 q_0 (L + 1) for He-ReLU without bias.
        foreach (var hidden in new[] { 1, 3, 6 })
        {
            var graph = Graphs.Mlp(inputs: 10, width: 1024, hiddenLayers: hidden, ActivationKind.ReLU, Graphs.FanIn(2), hasBias: false);
            var kernel = DataKernels.AtOutput(graph, new[,] { { 1.0 } }, Parameterization.Ntk).Kernel!;
            Assert.Equal(2.0 * (hidden + 1), kernel.Theta(0, 0), 1e-9);
        }
    }

    [Fact]
    public void LambdaMaxEstimate_OneHiddenRelu_Within15PercentOfExact()
    {
        // THEORY.md §16 row 43 [D]+[C]: n = 64 random inputs in R^20 at unit scale, 1 hidden ReLU, NTK param (2, 0):
        // the constant-mode estimate is a little low (44.1 vs 47.7 in the reference draw); 15%.
        var graph = Graphs.Mlp(inputs: 20, width: 2048, hiddenLayers: 1, ActivationKind.ReLU, Graphs.FanIn(2), hasBias: false);
        var gram = DataKernels.SyntheticGram(64, 20, 1.0, seed: 0);
        var theta = DataKernels.AtOutput(graph, gram, Parameterization.Ntk).Kernel!.ThetaMatrix();
        var exact = DataKernels.LambdaMax(theta);
        var estimate = DataKernels.LambdaMaxEstimate(theta);
        Assert.InRange(estimate / exact, 0.85, 1.0);
        Assert.InRange(exact, 47.7 * 0.85, 47.7 * 1.15);
    }

    [Fact]
    public void Ntk_StandardParameterization_GrowsWithWidth()
    {
        // THEORY.md §6.1: in SP the NTK (hence sharpness at init) grows ∝ width.
        double ThetaAt(int width) => DataKernels.AtOutput(
            Graphs.Mlp(inputs: 10, width: width, hiddenLayers: 2, ActivationKind.ReLU), new[,] { { 1.0 } }, Parameterization.Standard).Kernel!.Theta(0, 0);
        Assert.InRange(ThetaAt(2048) / ThetaAt(1024), 1.9, 2.0);
    }
}
