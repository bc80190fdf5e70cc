using LearningMechanics.Model.Graph;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Theory.Scaling;

/// <summary>Lazy-vs-rich prediction: the relative weight change the linearised model makes after time tau (THEORY.md §9.2).</summary>
/// <remarks>
/// Linearised gradient flow with L = (a/m)||f - y||^2 moves the parameters by Δθ = J^T Theta^{-1}(I - e^{-2a Theta tau/m}) r_0,
/// so with Theta = sum_k lambda_k u_k u_k^T and p_k = (u_k·r_0)^2                                           [D]
///   ||Δθ||^2 = sum_k p_k (1 - e^{-2a lambda_k tau/m})^2 / lambda_k,   ||θ_0||^2 = sum_l (sigma_w^2 fan_out + sigma_b^2 fan_out).
/// Theta must be the NTK of the same parameters (standard parameterization for PyTorch weights). Lazy when the ratio is
/// ≲ 0.05 and falls like width^{-1/2} (NTK parameterization; Chizat et al. 2019 [U scaling]); rich when O(0.1–1).
/// The kernel distance after training is of the same order as the relative weight change in the lazy regime.
/// Evidence: [D]. Regime: lazy (it is the linearised prediction; a large value says the linearisation fails).
/// </remarks>
public static class LazyRich
{
    /// <summary>Lazy below this relative weight change (THEORY.md §9.2).</summary>
    public const double LazyThreshold = 0.05;

    /// <summary>||Δθ|| after time tau = eta t from the NTK modes (lambda_k, p_k) on m training outputs.</summary>
    public static double WeightChange(double[] lambda, double[] power, int m, double tau, LossConvention loss)
    {
        var a = loss.HasHalf ? 0.5 : 1.0;
        var sum = 0.0;
        for (var k = 0; k < lambda.Length; k++)
        {
            if (!(lambda[k] > 1e-12 * lambda.Max()))
                continue;
            var moved = 1 - Math.Exp(-2 * a * lambda[k] * tau / m);
            sum += power[k] * moved * moved / lambda[k];
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Expected ||θ_0||^2 at init: each weight layer contributes Var(W) fan_in fan_out = sigma_w^2 fan_out, plus its bias.</summary>
    public static double ParameterNormSquared(ModelGraph graph) =>
        graph.Nodes.Where(n => n.Op.Fans is not null).Sum(n => (n.SigmaW2!.Value + (n.SigmaB2 ?? 0)) * n.Op.Fans!.Value.FanOut);

    /// <summary>||Δθ|| / ||θ_0||.</summary>
    public static double RelativeWeightChange(ModelGraph graph, double[] lambda, double[] power, int m, double tau, LossConvention loss) =>
        WeightChange(lambda, power, m, tau, loss) / Math.Sqrt(Math.Max(ParameterNormSquared(graph), 1e-300));
}
