namespace LearningMechanics.Theory.Kernels;

/// <summary>How a dense layer's weights are scaled (THEORY.md §0.2); only the NTK depends on it, the NNGP does not.</summary>
public enum Parameterization
{
    /// <summary>W ~ N(0, 1), forward multiplies by sigma_w / sqrt(n): Theta stays O(1) as width grows (Jacot et al. 2018).</summary>
    Ntk,

    /// <summary>W ~ N(0, sigma_w^2 / n): PyTorch/TorchSharp's default; Theta grows ∝ width (Sohl-Dickstein et al. 2020).</summary>
    Standard,
}
