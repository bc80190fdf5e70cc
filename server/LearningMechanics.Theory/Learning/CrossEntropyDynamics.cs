namespace LearningMechanics.Theory.Learning;

/// <summary>Cross-entropy loss curves of the linearised model: the function-space ODE integrated with RK4 (THEORY.md §7.2).</summary>
/// <remarks>
/// With L = (1/n) sum_i CE(f(x_i), y_i), softmax over K classes and an NTK identical across outputs (Theta ⊗ I_K),
/// gradient flow in tau = eta t moves the logits as                                                     THEORY.md §7.2
///   d f_ia / d tau = -(1/n) sum_j Theta(x_i, x_j) (p_ja - y_ja),   p_j = softmax(f_j).
/// No closed form; RK4 with step h = n / lambda_max(Theta) (the Jacobian of the right side has eigenvalues of size at
/// most lambda_max/(2n), well inside RK4's stability interval), stepping exactly onto each requested time.
/// Source: neural-tangents predict.gradient_descent (general losses). Evidence: [D].
/// Regime: lazy training, early in training (logits grow, the CE Hessian shrinks and the kernel drifts); full batch.
/// </remarks>
public static class CrossEntropyDynamics
{
    /// <summary>L(tau) at each time in <paramref name="times"/> (ascending), from initial logits f0 [n, K] and labels.</summary>
    public static double[] GradientFlow(double[,] theta, double[,] initialLogits, IReadOnlyList<int> labels, IReadOnlyList<double> times)
    {
        var (n, classes) = (initialLogits.GetLength(0), initialLogits.GetLength(1));
        var lambdaMax = Math.Max(Kernels.DataKernels.LambdaMax(theta), 1e-300);
        var maxStep = n / lambdaMax;
        var f = (double[,])initialLogits.Clone();
        var result = new double[times.Count];
        var now = 0.0;
        for (var idx = 0; idx < times.Count; idx++)
        {
            var target = times[idx];
            while (now < target)
            {
                var h = Math.Min(maxStep, target - now);
                Step(theta, f, labels, h);
                now = Math.Min(now + h, target);
            }
            result[idx] = Loss(f, labels);
        }
        _ = classes;
        return result;
    }

    /// <summary>Mean cross-entropy (1/n) sum_i [logsumexp(f_i) - f_{i, y_i}].</summary>
    public static double Loss(double[,] logits, IReadOnlyList<int> labels)
    {
        var (n, classes) = (logits.GetLength(0), logits.GetLength(1));
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var max = double.NegativeInfinity;
            for (var a = 0; a < classes; a++)
                max = Math.Max(max, logits[i, a]);
            var sum = 0.0;
            for (var a = 0; a < classes; a++)
                sum += Math.Exp(logits[i, a] - max);
            total += max + Math.Log(sum) - logits[i, labels[i]];
        }
        return total / n;
    }

    private static void Step(double[,] theta, double[,] f, IReadOnlyList<int> labels, double h)
    {
        var k1 = Velocity(theta, f, labels);
        var k2 = Velocity(theta, Shift(f, k1, h / 2), labels);
        var k3 = Velocity(theta, Shift(f, k2, h / 2), labels);
        var k4 = Velocity(theta, Shift(f, k3, h), labels);
        for (var i = 0; i < f.GetLength(0); i++)
            for (var a = 0; a < f.GetLength(1); a++)
                f[i, a] += h / 6 * (k1[i, a] + 2 * k2[i, a] + 2 * k3[i, a] + k4[i, a]);
    }

    private static double[,] Shift(double[,] f, double[,] direction, double h)
    {
        var result = (double[,])f.Clone();
        for (var i = 0; i < f.GetLength(0); i++)
            for (var a = 0; a < f.GetLength(1); a++)
                result[i, a] += h * direction[i, a];
        return result;
    }

    /// <summary>-(1/n) Theta (softmax(f) - onehot(y)).</summary>
    private static double[,] Velocity(double[,] theta, double[,] f, IReadOnlyList<int> labels)
    {
        var (n, classes) = (f.GetLength(0), f.GetLength(1));
        var residual = new double[n, classes];
        for (var j = 0; j < n; j++)
        {
            var max = double.NegativeInfinity;
            for (var a = 0; a < classes; a++)
                max = Math.Max(max, f[j, a]);
            var sum = 0.0;
            for (var a = 0; a < classes; a++)
                sum += Math.Exp(f[j, a] - max);
            for (var a = 0; a < classes; a++)
                residual[j, a] = Math.Exp(f[j, a] - max) / sum - (labels[j] == a ? 1 : 0);
        }
        var velocity = new double[n, classes];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var weight = theta[i, j] / n;
                if (weight == 0)
                    continue;
                for (var a = 0; a < classes; a++)
                    velocity[i, a] -= weight * residual[j, a];
            }
        return velocity;
    }
}
