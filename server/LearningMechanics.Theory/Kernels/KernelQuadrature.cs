namespace LearningMechanics.Theory.Kernels;

/// <summary>How the rules of activations without closed forms evaluate E[phi(u)phi(v)] and E[phi'(u)phi'(v)] for many pairs.</summary>
public enum KernelQuadrature
{
    /// <summary>
    /// One <see cref="Numerics.CorrelationTable"/> per distinct pair of lengths shared by enough probe pairs (error below
    /// 1e-10 relative), direct quadrature otherwise. The default.
    /// </summary>
    Tabulated,

    /// <summary>The 64 x 64 Gauss–Hermite grid (or split Gauss–Legendre for kinks) for every pair: the reference.</summary>
    Direct,
}
