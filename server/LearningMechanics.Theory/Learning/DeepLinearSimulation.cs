using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// Gradient descent on a deep linear network with whitened inputs, loss 0.5 ||T - W_L ... W_1||_F^2, target
/// T = sum_mu s_mu u_mu v_mu^T with u_mu, v_mu the standard basis (THEORY.md Appendix A11: the basis choice does not
/// change the dynamics of a rotation-invariant init). Records, per mode, the first time tau = eta t at which the projected
/// strength u_mu^T W v_mu reaches s_mu/2. Deterministic for a seed; the cost is steps x depth small matrix products.
/// </summary>
public static class DeepLinearSimulation
{
    /// <summary>Outcome: per-mode initial projected strength a_0 and measured half-time (null when not reached).</summary>
    public sealed record Result(double[] InitialStrengths, double?[] HalfTimes, int Steps);

    /// <param name="dimension">d: input and output dimension (at least the number of singular values).</param>
    /// <param name="hidden">h: width of every hidden layer.</param>
    /// <param name="depth">Number of weight matrices (2 in Saxe et al.'s two-layer case).</param>
    /// <param name="balancedAlignedStrength">When set, the balanced aligned init of THEORY.md §10 CPU check with this a_0 per
    /// mode (W_1 = a_0^{1/L} R V^T ... ); otherwise i.i.d. Gaussian entries of std <paramref name="initStd"/>.</param>
    public static Result Run(
        IReadOnlyList<double> singularValues, int dimension, int hidden, int depth, double initStd, double learningRate,
        int maxSteps, int seed, double? balancedAlignedStrength = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, singularValues.Count);
        var modes = singularValues.Count;
        var sizes = new int[depth + 1];
        sizes[0] = dimension;
        sizes[depth] = dimension;
        for (var l = 1; l < depth; l++)
            sizes[l] = hidden;
        var random = new Random(seed);
        var weights = new double[depth][,];
        for (var l = 0; l < depth; l++)
        {
            var w = new double[sizes[l + 1], sizes[l]];
            if (balancedAlignedStrength is { } a0)
            {
                // Mode mu runs through unit mu of every hidden layer with gain a0^{1/L}: the product is a0 on each mode.
                var gain = Math.Pow(a0, 1.0 / depth);
                for (var mu = 0; mu < modes; mu++)
                    w[mu, mu] = gain;
            }
            else
            {
                for (var i = 0; i < w.GetLength(0); i++)
                    for (var j = 0; j < w.GetLength(1); j++)
                        w[i, j] = initStd * StandardNormal.Sample(random);
            }
            weights[l] = w;
        }

        var initial = Projections(Product(weights, 0, depth), modes);
        var halfTimes = new double?[modes];
        var step = 0;
        for (; step < maxSteps && halfTimes.Any(t => t is null); step++)
        {
            if ((step & 255) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            var product = Product(weights, 0, depth);
            var projections = Projections(product, modes);
            for (var mu = 0; mu < modes; mu++)
                if (halfTimes[mu] is null && projections[mu] >= singularValues[mu] / 2)
                    halfTimes[mu] = learningRate * step;
            // Residual R = T - W_L...W_1; dL/dW_l = -(W_L..W_{l+1})^T R (W_{l-1}..W_1)^T.
            var residual = new double[dimension, dimension];
            for (var i = 0; i < dimension; i++)
                for (var j = 0; j < dimension; j++)
                    residual[i, j] = (i == j && i < modes ? singularValues[i] : 0) - product[i, j];
            var updates = new double[depth][,];
            for (var l = 0; l < depth; l++)
            {
                // Empty products are identities and are skipped.
                var leftTerm = l + 1 < depth ? MultiplyTransposedLeft(Product(weights, l + 1, depth), residual) : residual;
                updates[l] = l > 0 ? MultiplyTransposedRight(leftTerm, Product(weights, 0, l)) : leftTerm;
            }
            for (var l = 0; l < depth; l++)
            {
                var (w, u) = (weights[l], updates[l]);
                for (var i = 0; i < w.GetLength(0); i++)
                    for (var j = 0; j < w.GetLength(1); j++)
                        w[i, j] += learningRate * u[i, j];
            }
        }
        return new Result(initial, halfTimes, step);
    }

    private static double[] Projections(double[,] product, int modes)
    {
        var result = new double[modes];
        for (var mu = 0; mu < modes; mu++)
            result[mu] = product[mu, mu];
        return result;
    }

    /// <summary>W_{to-1} ... W_from; the identity of size sizes[from] when the range is empty.</summary>
    private static double[,] Product(double[][,] weights, int from, int to)
    {
        if (from >= to)
        {
            var n = from < weights.Length ? weights[from].GetLength(1) : weights[^1].GetLength(0);
            var identity = new double[n, n];
            for (var i = 0; i < n; i++)
                identity[i, i] = 1;
            return identity;
        }
        var result = weights[from];
        for (var l = from + 1; l < to; l++)
            result = Multiply(weights[l], result);
        return result;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var (n, k, m) = (a.GetLength(0), a.GetLength(1), b.GetLength(1));
        var c = new double[n, m];
        for (var i = 0; i < n; i++)
            for (var p = 0; p < k; p++)
            {
                var aip = a[i, p];
                if (aip == 0)
                    continue;
                for (var j = 0; j < m; j++)
                    c[i, j] += aip * b[p, j];
            }
        return c;
    }

    /// <summary>A^T B.</summary>
    private static double[,] MultiplyTransposedLeft(double[,] a, double[,] b)
    {
        var (k, n, m) = (a.GetLength(0), a.GetLength(1), b.GetLength(1));
        var c = new double[n, m];
        for (var p = 0; p < k; p++)
            for (var i = 0; i < n; i++)
            {
                var api = a[p, i];
                for (var j = 0; j < m; j++)
                    c[i, j] += api * b[p, j];
            }
        return c;
    }

    /// <summary>A B^T.</summary>
    private static double[,] MultiplyTransposedRight(double[,] a, double[,] b)
    {
        var (n, k, m) = (a.GetLength(0), a.GetLength(1), b.GetLength(0));
        var c = new double[n, m];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < m; j++)
            {
                var sum = 0.0;
                for (var p = 0; p < k; p++)
                    sum += a[i, p] * b[j, p];
                c[i, j] = sum;
            }
        return c;
    }
}
