using System.Collections.Immutable;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.MeanField;

/// <summary>
/// The order/chaos boundary chi_1(sigma_w^2, sigma_b^2) = 1 sampled along sigma_b^2 (THEORY.md §3; Poole et al. 2016 Fig. 2,
/// Schoenholz et al. 2017 Fig. 1). For a positively homogeneous phi (ReLU family) chi_1 = sigma_w^2 E[phi'^2] does not depend on
/// q*, so the line is sigma_w^2 = 1/E[phi'^2] at every sigma_b^2 where the length stays finite (sigma_w^2 E[phi'^2] &lt; 1 on its left).
/// </summary>
public static class CriticalLine
{
    /// <summary>sigma_w^2 on the line at each sigma_b^2 of <paramref name="sigmaB2s"/> (null where chi_1 does not cross 1 in [0.05, 50]).</summary>
    public static ImmutableArray<double?> SigmaW2(ActivationRule phi, IEnumerable<double> sigmaB2s) =>
        phi is AbReluRule abRelu
            ? [.. sigmaB2s.Select(_ => (double?)(1 / abRelu.MeanSlope2))]
            : [.. sigmaB2s.Select(b => MeanFieldTheory.CriticalSigmaW2(phi, b))];
}
