namespace LearningMechanics.Theory.MeanField;

/// <summary>
/// Mean-field state of a deep stack of identical layers (phi, sigma_w^2, sigma_b^2) at its length fixed point.
/// Depth scales are in layers and are +infinity at criticality; nothing here is NaN.
/// </summary>
/// <param name="QStar">Length fixed point q* (+infinity when the length map diverges, 0 for odd phi with sigma_b = 0 in the ordered phase).</param>
/// <param name="Chi1">chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2], the slope of the c-map at c = 1 and the per-layer gradient gain.</param>
/// <param name="CStar">Stable correlation fixed point c* (1 in the ordered and critical phases).</param>
/// <param name="ChiC">Slope of the c-map at c*: sigma_w^2 E[phi'(u1) phi'(u2)] at c* (equals Chi1 when c* = 1).</param>
/// <param name="XiC">Correlation depth scale -1/ln ChiC; +infinity at criticality and when the c-map does not depend on q
/// (positively homogeneous phi with sigma_b = 0: THEORY.md §18).</param>
/// <param name="XiQ">Length depth scale -1/ln(sigma_w^2 d/dq E[phi^2] at q*).</param>
/// <param name="LengthFactor">q^{l+1}/q^l without the bias at the fixed point's scale: sigma_w^2 (a^2+b^2)/2 for the ReLU
/// family at every q (1/6 for PyTorch's default ReLU MLP), and for bounded phi sigma_w^2 E[phi^2]/q at q*.</param>
/// <param name="Converged">False when the fixed-point iteration did not converge (reported, not hidden).</param>
public sealed record MeanFieldPoint(
    string Activation,
    double SigmaW2,
    double SigmaB2,
    double QStar,
    double Chi1,
    Phase Phase,
    double CStar,
    double ChiC,
    double XiC,
    double XiQ,
    double LengthFactor,
    bool Converged)
{
    /// <summary>The trainable-depth rule L ≲ 6 xi_c (Schoenholz et al. 2017; THEORY.md §3).</summary>
    public double SixXiC => 6 * XiC;

    /// <summary>Depth over which the length changes by a factor e when it has no attracting scale: 1/|ln LengthFactor|.</summary>
    public double XiLength => LengthFactor > 0 && Math.Abs(Math.Log(LengthFactor)) > 1e-12 ? 1 / Math.Abs(Math.Log(LengthFactor)) : double.PositiveInfinity;

    /// <summary>Gradient depth scale 1/|ln chi_1| (THEORY.md §4.1).</summary>
    public double XiGrad => Chi1 > 0 && Math.Abs(Math.Log(Chi1)) > 1e-12 ? 1 / Math.Abs(Math.Log(Chi1)) : double.PositiveInfinity;
}
