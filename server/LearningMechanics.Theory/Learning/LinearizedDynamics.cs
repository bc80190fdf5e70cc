using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Learning;

/// <summary>MSE loss curves of the linearised (lazy, NTK) model under full-batch GD and gradient flow (THEORY.md §7.1).</summary>
/// <remarks>
/// With Theta = sum_k lambda_k u_k u_k^T on the m = nK training outputs and L = (a/m) ||f - y||^2 (a = 1/2 in the
/// papers, a = 1 in TorchSharp's MSELoss(mean)), the residual obeys r_{t+1} = (I - (2a eta/m) Theta) r_t, so
///   L(t) = (a/m) sum_k (1 - 2a eta lambda_k/m)^{2t} (u_k·r_0)^2,   gradient flow: (...)^{2t} -> exp(-4a eta t lambda_k/m).
/// With a = 1/2 this is THEORY.md's L(t) = (1/(2m)) sum_k (1 - eta lambda_k/m)^{2t} (u_k·r_0)^2 (Lee et al. 2019).
/// Source: neural-tangents predict.gradient_descent_mse. Evidence: [D]. Regime: lazy training, eta below eta_crit.
/// </remarks>
public static class LinearizedDynamics
{
    /// <summary>Eigenvalues lambda_k and squared projections (u_k·r_0)^2 of the NTK and the initial residual.</summary>
    public static (double[] Lambda, double[] Power) Modes(double[,] theta, double[] residual)
    {
        var evd = Matrix<double>.Build.DenseOfArray(theta).Evd(Symmetricity.Symmetric);
        var r0 = Vector<double>.Build.DenseOfArray(residual);
        var n = residual.Length;
        var lambda = new double[n];
        var power = new double[n];
        for (var k = 0; k < n; k++)
        {
            lambda[k] = evd.EigenValues[k].Real;
            var projection = evd.EigenVectors.Column(k).DotProduct(r0);
            power[k] = projection * projection;
        }
        return (lambda, power);
    }

    /// <summary>L(t) under full-batch GD for each step count in <paramref name="steps"/>.</summary>
    public static double[] GradientDescent(double[] lambda, double[] power, double eta, int m, LossConvention loss, IReadOnlyList<int> steps)
    {
        var a = loss.HasHalf ? 0.5 : 1.0;
        return steps.Select(t => a / m * lambda.Select((l, k) => Math.Pow(1 - 2 * a * eta * l / m, 2 * t) * power[k]).Sum()).ToArray();
    }

    /// <summary>L(tau) under gradient flow at times tau = eta t.</summary>
    public static double[] GradientFlow(double[] lambda, double[] power, int m, LossConvention loss, IReadOnlyList<double> times)
    {
        var a = loss.HasHalf ? 0.5 : 1.0;
        return times.Select(tau => a / m * lambda.Select((l, k) => Math.Exp(-4 * a * tau * l / m) * power[k]).Sum()).ToArray();
    }

    /// <summary>
    /// Long-time exponent of L(tau) ∝ tau^{-(beta-1)/alpha} for lambda_k ∝ k^{-alpha} and target power p_k ∝ k^{-beta}
    /// (alpha, beta &gt; 1). THEORY.md §7.4 [D; C].
    /// </summary>
    public static double PowerLawExponent(double alpha, double beta) => (beta - 1) / alpha;
}
