using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Kernels;

/// <summary>
/// NNGP and NTK of a plain fully connected stack, [affine -> phi] x hiddenLayers -> affine readout, with one
/// (sigma_w^2, sigma_b^2) everywhere: the setting of THEORY.md §6.1's reference values and §16 rows 17–18, through the same
/// affine step (<see cref="LinearRule.Apply(KernelMatrix,double,double,long,bool,Parameterization)"/>) and activation rules
/// the graph propagation uses.
/// </summary>
public static class FullyConnectedKernels
{
    /// <summary>The readout's kernels on inputs with Gram matrix x_i·x_j/n_0 (NTK parameterization unless told).</summary>
    public static KernelMatrix Propagate(
        ActivationRule phi, int hiddenLayers, double sigmaW2, double sigmaB2, double[,] gramOverN0,
        Parameterization parameterization = Parameterization.Ntk, long width = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenLayers);
        var kernel = KernelMatrix.FromInputGram(gramOverN0);
        var fanIn = (long)gramOverN0.GetLength(0);
        for (var layer = 0; layer <= hiddenLayers; layer++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            kernel = LinearRule.Apply(kernel, sigmaW2, sigmaB2, layer == 0 ? fanIn : width, sigmaB2 > 0, parameterization);
            if (layer < hiddenLayers)
                kernel = phi.Apply(kernel, KernelQuadrature.Tabulated, cancellationToken);
        }
        return kernel;
    }

    /// <summary>Two inputs with ||x||^2 = n_0 (unit second moment per coordinate) and cosine <paramref name="cosine"/>.</summary>
    public static double[,] UnitPair(double cosine) => new[,] { { 1, cosine }, { cosine, 1 } };
}
