namespace LearningMechanics.Theory.Kernels;

/// <summary>
/// The infinite-width kernels of one node for a pair of inputs (x, x'): NNGP lengths <see cref="Q1"/>, <see cref="Q2"/>
/// and covariance <see cref="Sigma"/>; <see cref="SigmaDot"/> = E[phi'(u) phi'(v)] of the last activation; NTK diagonal
/// <see cref="Theta1"/>, <see cref="Theta2"/> and off-diagonal <see cref="Theta"/>. THEORY.md §6.1.
/// </summary>
public sealed record Kernel(double Q1, double Q2, double Sigma, double SigmaDot, double Theta1, double Theta2, double Theta, bool IsGaussian)
{
    /// <summary>Correlation c = Sigma / sqrt(Q1 Q2) (0 when a length is 0).</summary>
    public double C => Q1 > 0 && Q2 > 0 ? Sigma / Math.Sqrt(Q1 * Q2) : 0;
}
