using MathNet.Numerics.RootFinding;

namespace LearningMechanics.Theory.Learning;

/// <summary>Eigenlearning: kernel (ridge) regression test error from the kernel spectrum (Simon et al. 2023; THEORY.md §7.3).</summary>
/// <remarks>
/// Solve sum_i lambda_i/(lambda_i + kappa) + delta/kappa = n for kappa (Brent); learnabilities L_i = lambda_i/(lambda_i + kappa);
/// E_0 = n/(n - sum_i L_i^2); test MSE = E_0 (sum_i (1 - L_i)^2 v_i^2 + epsilon^2); train MSE = (delta/(n kappa))^2 test MSE.
/// Evidence: [V equations] + [C check] (the E_0 form and train-MSE are [U] text, [C] checked).
/// </remarks>
public static class Eigenlearning
{
    public sealed record Result(double Kappa, double TestMse, double TrainMse, double[] Learnability);

    public static Result Predict(IReadOnlyList<double> lambda, IReadOnlyList<double> targetCoefficients, int n, double ridge = 0, double noiseVariance = 0)
    {
        double Constraint(double kappa) => lambda.Sum(l => l / (l + kappa)) + ridge / kappa - n;
        var hi = Math.Max(lambda.Max(), ridge) * lambda.Count + 1;
        var kappa = Brent.FindRoot(Constraint, 1e-300 + 1e-15 * hi, hi, 1e-15, 500);
        var learnability = lambda.Select(l => l / (l + kappa)).ToArray();
        var e0 = n / (n - learnability.Sum(l => l * l));
        var test = e0 * (learnability.Select((l, i) => (1 - l) * (1 - l) * targetCoefficients[i] * targetCoefficients[i]).Sum() + noiseVariance);
        var train = Math.Pow(ridge / (n * kappa), 2) * test;
        return new Result(kappa, test, train, learnability);
    }
}
