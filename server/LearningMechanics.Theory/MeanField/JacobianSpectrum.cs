using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.MeanField;

/// <summary>Spread of the squared singular values of the input–output Jacobian of a critical plain net (dynamical isometry).</summary>
/// <remarks>
/// At criticality (chi_1 = 1) the mean squared singular value is 1 and                                   THEORY.md §5
///   Var(spectrum of J J^T) = L (mu_2/mu_1^2 - 1 - s_1),   mu_k = E_z[phi'(sqrt(q*) z)^{2k}],
/// with s_1 = -1 for Gaussian weights and s_1 = 0 for orthogonal weights. Linear: L (Gaussian), 0 (orthogonal); ReLU:
/// 2L and L, never isometric; tanh/erf approach isometry with orthogonal weights as q* -&gt; 0 (§16 row 15).
/// Source: Pennington, Schoenholz, Ganguli 2017. Evidence: [U formula, C check] (THEORY.md's simulations agree within 20%).
/// Regime: critical init, L/N small (heavy tails at L/N ≳ 0.02), plain chain without normalisation.
/// </remarks>
public static class JacobianSpectrum
{
    /// <summary>s_1 of the weight ensemble: -1 Gaussian, 0 orthogonal.</summary>
    public static double S1(bool orthogonal) => orthogonal ? 0 : -1;

    /// <summary>The predicted variance for depth L, or null when phi has no slope moments.</summary>
    public static double? Variance(ActivationRule phi, double qStar, int depth, bool orthogonal)
    {
        if (phi.SlopeMoment(qStar, 1) is not { } mu1 || phi.SlopeMoment(qStar, 2) is not { } mu2 || !(mu1 > 0))
            return null;
        return depth * Math.Max(0, mu2 / (mu1 * mu1) - 1 - S1(orthogonal));
    }
}
