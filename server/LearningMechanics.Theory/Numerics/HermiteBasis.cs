namespace LearningMechanics.Theory.Numerics;

/// <summary>
/// Orthonormal probabilists' Hermite functions on an accurate Gauss–Hermite rule: the projections
/// a_k = E_{z~N(0,1)}[f(z) h_k(z)], h_k = He_k / sqrt(k!), of a function sampled at the rule's nodes.
/// </summary>
/// <remarks>
/// Mehler's formula: for z, w standard normal with correlation c,
///   E[f(z) g(w)] = sum_k a_k(f) a_k(g) c^k,   and Parseval: sum_k a_k(f)^2 = E[f(z)^2].
/// So a bivariate Gaussian expectation becomes a power series in c from two 1-D projections.
/// Nodes: Golub–Welsch guesses polished by Newton on h_n; weights by the Christoffel formula w_p = 1 / sum_{k&lt;n} h_k(z_p)^2,
/// which stays accurate in relative terms for the tiny outer weights (the eigenvector form does not, and the outer
/// nodes meet h_k of size 1e200 here). The recurrence runs on the Hermite functions h_k(z) exp(-z^2/4), which stay of order 1.
/// </remarks>
public sealed class HermiteBasis
{
    /// <summary>Number of quadrature nodes.</summary>
    public const int Order = 400;

    /// <summary>Largest number of projections used; well below the order, so the quadrature of f h_k stays accurate.</summary>
    public const int MaxTerms = 240;

    private static readonly Lazy<HermiteBasis> s_instance = new(() => new HermiteBasis());

    private HermiteBasis()
    {
        var guesses = GaussHermite.Of(Order).Nodes;
        Nodes = new double[Order];
        Weights = new double[Order];
        Projector = new double[MaxTerms * Order];
        var psi = new double[Order + 1];
        for (var p = 0; p < Order; p++)
        {
            var z = guesses[p];
            for (var iteration = 0; iteration < 6; iteration++)
            {
                HermiteFunctions(z, psi);
                // h_n'(z) = sqrt(n) h_{n-1}(z); the common factor exp(-z^2/4) cancels in the Newton step.
                var step = psi[Order] / (Math.Sqrt(Order) * psi[Order - 1]);
                z -= step;
                if (Math.Abs(step) < 1e-15 * (1 + Math.Abs(z)))
                    break;
            }
            HermiteFunctions(z, psi);
            Nodes[p] = z;
            // Christoffel–Darboux: w = 1/(n h_{n-1}(z)^2) = exp(-z^2/2)/(n psi_{n-1}^2).
            Weights[p] = Math.Exp(-z * z / 2) / (Order * psi[Order - 1] * psi[Order - 1]);
            // w h_k(z) = w psi_k exp(z^2/4) = exp(-z^2/4) psi_k / (n psi_{n-1}^2).
            var factor = Math.Exp(-z * z / 4) / (Order * psi[Order - 1] * psi[Order - 1]);
            for (var k = 0; k < MaxTerms; k++)
                Projector[k * Order + p] = factor * psi[k];
        }
        var total = Weights.Sum();
        for (var p = 0; p < Order; p++)
            Weights[p] /= total;
        for (var idx = 0; idx < Projector.Length; idx++)
            Projector[idx] /= total;
    }

    public static HermiteBasis Instance => s_instance.Value;

    /// <summary>Nodes z_p, increasing.</summary>
    public double[] Nodes { get; }

    /// <summary>Weights w_p, summing to 1.</summary>
    public double[] Weights { get; }

    /// <summary>w_p h_k(z_p) at [k * Order + p].</summary>
    internal double[] Projector { get; }

    /// <summary>a_k = sum_p w_p f(z_p) h_k(z_p) for k in [start, end), from samples f(z_p).</summary>
    public void Project(ReadOnlySpan<double> samples, Span<double> coefficients, int start, int end)
    {
        var projector = Projector.AsSpan();
        for (var k = start; k < end; k++)
            coefficients[k] = Blas.Dot(projector.Slice(k * Order, Order), samples);
    }

    /// <summary>E[f(z)^2] with the rule, from samples f(z_p).</summary>
    public double Expect2(ReadOnlySpan<double> samples)
    {
        var sum = 0.0;
        for (var p = 0; p < Order; p++)
            sum += Weights[p] * samples[p] * samples[p];
        return sum;
    }

    /// <summary>
    /// psi_k(z) = h_k(z) exp(-z^2/4) for k = 0..n into <paramref name="psi"/> (length n + 1), by the same recurrence
    /// h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k+1); the Gaussian factor keeps every value representable at the outer nodes.
    /// </summary>
    private static void HermiteFunctions(double z, double[] psi)
    {
        psi[0] = Math.Exp(-z * z / 4);
        psi[1] = z * psi[0];
        for (var k = 1; k + 1 < psi.Length; k++)
            psi[k + 1] = (z * psi[k] - Math.Sqrt(k) * psi[k - 1]) / Math.Sqrt(k + 1);
    }
}
