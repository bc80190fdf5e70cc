using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;
using LearningMechanics.Theory.Rules;
using MathNet.Numerics.LinearAlgebra;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// How much lambda_max(Theta) varies from one initialisation to the next at the model's own widths.
/// </summary>
/// <param name="RelativeSpread">Standard deviation of lambda_max over the draws divided by their mean.</param>
/// <param name="MeanRatio">Mean of the draws over the infinite-width lambda_max on the same probes (1 when the mean NTK is
/// the infinite-width one).</param>
/// <param name="Draws">Initialisations drawn.</param>
/// <param name="SampleCount">Probes (the first <see cref="InitSpread.MaxSample"/> of the LR sample).</param>
public sealed record InitSpreadEstimate(double RelativeSpread, double MeanRatio, int Draws, int SampleCount)
{
    /// <summary>
    /// Half-width of the 95 % interval of lambda_max across inits, relative: a threshold predicted from the mean cannot be
    /// within a tolerance smaller than this for 95 % of initialisations.
    /// </summary>
    public double Interval95 => 1.96 * RelativeSpread;
}

/// <summary>
/// The finite-width spread of the sharpness at init (THEORY.md §4.3). The NTK of a finite net is random: Hanin and Nica
/// (2019, "Finite depth and width corrections to the NTK", Thm 1) show that for ReLU nets E[Theta^2]/E[Theta]^2 ≈ exp(5 beta),
/// beta = sum_l 1/n_l, because every hidden layer multiplies each NTK term by a factor with relative variance ≈ 5/n_l. At
/// depth 8 and width 512 that is a spread of ≈ 25 %, larger than the ±20 % within which the LR check scores eta_crit, while
/// an ordered net (whose readout dominates Theta) or a shallow net barely moves. The constant depends on the activation, the
/// bias and the data, so the engine does not use the ReLU formula: it draws the init ensemble itself. For each draw it
/// samples Gaussian weights of the declared variances at the declared widths, runs the probes forward and one backward pass
/// per output-0 gradient, and forms the empirical NTK sum_l (A_{l-1} A_{l-1}^T + 1) ∘ (Delta_l Delta_l^T) exactly as the
/// trainer's J J^T. This is a random-matrix computation on the engine's own seeds, not a run of the user's model: no
/// training, no user weights. Draws are memoised per architecture, so an edit that changes no layer costs nothing.
/// </summary>
public static class InitSpread
{
    /// <summary>Probes per draw: lambda_max's spread is set by the top (mean) mode, which 16 probes resolve (64 probes: same spread within the draw noise).</summary>
    public const int MaxSample = 16;

    /// <summary>
    /// Probes for a net too large for <see cref="MinDraws"/> draws on <see cref="MaxSample"/>: at width 512 and 24 draws, 8
    /// probes gave a spread of 0.11 and 0.21 for the depth-4 and depth-8 critical ReLU MLPs, against 0.11 and 0.17 on 16.
    /// </summary>
    public const int MinSample = 8;

    /// <summary>Initialisations drawn: the relative error of the spread from n draws is ≈ 1/sqrt(2(n-1)), 18 % at 16.</summary>
    public const int Draws = 16;

    /// <summary>Fewest draws a large net gets (29 % relative error): enough to tell a ±40 % spread from a ±10 % one.</summary>
    public const int MinDraws = 6;

    /// <summary>
    /// Work allowed over all draws, in multiply-adds (≈ 1.5 s on one core of the build machine, once per architecture): a large
    /// net gets fewer draws, then half the probes (<see cref="MinSample"/>), and none below <see cref="MinDraws"/>. A weight's
    /// Gaussian draw counts as <see cref="NormalCost"/> multiply-adds. The depth-8 width-512 grid nets get all 16 draws on 16
    /// probes; a 20 x 512 MLP 6 on 8; a 50 x 512 one none (7 draws on 8 probes took 2.6–3.7 s).
    /// </summary>
    public const double Budget = 1.6e9;

    /// <summary>A Box–Muller normal (log, sqrt, sin/cos) against a vectorised multiply-add, measured on the build machine.</summary>
    public const double NormalCost = 30;

    private static readonly EstimateMemo<InitSpreadEstimate?> s_memo = new();

    /// <summary>
    /// The spread for a graph of Input, Linear, elementwise activation, residual Add and Flatten ops whose input feeds Linear
    /// layers only; null for other graphs, when the net is too large for <see cref="Budget"/>, or when the kernel has no theory.
    /// </summary>
    public static InitSpreadEstimate? Estimate(ModelGraph graph, double[,] gramOverN0, int seed = 0, CancellationToken cancellationToken = default)
    {
        if (!IsSupported(graph))
            return null;
        var m = Math.Min(gramOverN0.GetLength(0), MaxSample);
        var drawCount = DrawsWithinBudget(graph, m);
        if (drawCount < MinDraws)
            (m, drawCount) = (Math.Min(m, MinSample), DrawsWithinBudget(graph, Math.Min(m, MinSample)));
        if (drawCount < MinDraws)
            return null;
        var gram = new double[m, m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                gram[i, j] = gramOverN0[i, j];
        return s_memo.GetOrAdd(graph, gram, seed, () => Draw(graph, gram, drawCount, seed, cancellationToken));
    }

    private static InitSpreadEstimate? Draw(ModelGraph graph, double[,] gram, int drawCount, int seed, CancellationToken cancellationToken)
    {
        var m = gram.GetLength(0);
        var infinite = DataKernels.AtOutput(graph, gram, Parameterization.Standard, cancellationToken: cancellationToken).Kernel is { } kernel
            ? DataKernels.LambdaMax(kernel.ThetaMatrix())
            : 0;
        if (!(infinite > 0))
            return null;
        var random = new GaussianSource(seed);
        var draws = new double[drawCount];
        var weights = new double[]?[graph.Nodes.Length]; // redrawn in place: a 512 x 512 layer is 2 MB
        for (var d = 0; d < drawCount; d++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            draws[d] = DataKernels.LambdaMax(EmpiricalNtk(graph, gram, random, weights, cancellationToken));
        }
        var mean = draws.Average();
        var sd = Math.Sqrt(draws.Sum(x => (x - mean) * (x - mean)) / (drawCount - 1));
        return mean > 0 ? new InitSpreadEstimate(sd / mean, mean / infinite, drawCount, m) : null;
    }

    /// <summary>Draws on m probes that fit the budget, at most <see cref="Draws"/>: each draws every weight once, then runs m probes forward and backward through it.</summary>
    private static int DrawsWithinBudget(ModelGraph graph, int m) => (int)Math.Min(Draws, Math.Floor(Budget /
        ((2 * m + NormalCost) * graph.Nodes.Where(n => n.Op is Linear).Sum(n => (double)((Linear)n.Op).InFeatures * ((Linear)n.Op).OutFeatures))));

    private static bool IsSupported(ModelGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            var supported = node.Op switch
            {
                Input => node.Id == 0,
                Linear => true,
                Activation activation => Activations.For(activation) is AbReluRule or NumericActivationRule,
                Add => true,
                Flatten => true,
                _ => false,
            };
            if (!supported)
                return false;
        }
        // The input reaches the net through Linear layers only (directly or through Flatten), so its first pre-activations
        // can be drawn from the Gram matrix alone.
        return graph.Nodes.Where(n => n.Inputs.Any(i => IsInputLike(graph, i))).All(n => n.Op is Linear or Flatten);
    }

    private static bool IsInputLike(ModelGraph graph, int id) =>
        graph.Nodes[id].Op is Input || (graph.Nodes[id].Op is Flatten && graph.Nodes[id].Inputs.All(i => IsInputLike(graph, i)));

    /// <summary>One draw's NTK for output 0 on the probes, m x m.</summary>
    /// <param name="weights">Per node, fanOut x fanIn row-major; reused across draws.</param>
    private static double[,] EmpiricalNtk(ModelGraph graph, double[,] gram, GaussianSource random, double[]?[] weights, CancellationToken cancellationToken)
    {
        var m = gram.GetLength(0);
        var nodes = graph.Nodes;
        var values = new double[]?[nodes.Length];      // m x width, row-major
        var widths = new int[nodes.Length];
        var inputDim = DataKernels.InputDimension(graph) ?? 1;
        for (var id = 0; id < nodes.Length; id++)
        {
            var node = nodes[id];
            switch (node.Op)
            {
                case Input:
                    break;
                case Flatten:
                    (values[id], widths[id]) = (values[node.Inputs[0]], widths[node.Inputs[0]]);
                    break;
                case Linear linear:
                {
                    var (fanIn, fanOut) = ((int)linear.InFeatures, (int)linear.OutFeatures);
                    var sigmaW = Math.Sqrt((node.SigmaW2 ?? 0) / fanIn);
                    var sigmaB = Math.Sqrt(node.SigmaB2 ?? 0);
                    var z = new double[m * fanOut];
                    if (IsInputLike(graph, node.Inputs[0]))
                    {
                        // z_j = X w_j + b_j ~ N(0, sigma_w^2 x·x'/fan_in + sigma_b^2) over the probes, independently per unit.
                        var root = SquareRoot(gram, sigmaW * sigmaW * inputDim, sigmaB * sigmaB);
                        var g = new double[m];
                        for (var j = 0; j < fanOut; j++)
                        {
                            random.Fill(g);
                            for (var p = 0; p < m; p++)
                                z[p * fanOut + j] = Blas.Dot(root.AsSpan(p * m, m), g);
                        }
                    }
                    else
                    {
                        var a = values[node.Inputs[0]]!;
                        var w = weights[id] ??= new double[fanOut * fanIn];
                        random.Fill(w, sigmaW);
                        var bias = new double[fanOut];
                        random.Fill(bias, sigmaB);
                        // Row j of W once for all probes: W (2 MB at 512 x 512) streams through the cache once per layer.
                        for (var j = 0; j < fanOut; j++)
                            for (var p = 0; p < m; p++)
                                z[p * fanOut + j] = Blas.Dot(a.AsSpan(p * fanIn, fanIn), w.AsSpan(j * fanIn, fanIn)) + bias[j];
                    }
                    (values[id], widths[id]) = (z, fanOut);
                    break;
                }
                case Activation activation:
                {
                    var (phi, _) = Pointwise(Activations.For(activation)!);
                    var input = values[node.Inputs[0]]!;
                    var output = new double[input.Length];
                    for (var idx = 0; idx < input.Length; idx++)
                        output[idx] = phi(input[idx]);
                    (values[id], widths[id]) = (output, widths[node.Inputs[0]]);
                    break;
                }
                case Add add:
                {
                    var sum = (double[])values[node.Inputs[0]]!.Clone();
                    foreach (var other in node.Inputs.Skip(1))
                        Blas.Axpy(add.BranchScale, values[other]!, sum);
                    (values[id], widths[id]) = (sum, widths[node.Inputs[0]]);
                    break;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Backward: Delta = d f_0 / d(node output) per probe; each Linear adds (A A^T + 1[bias]) ∘ (Delta Delta^T) to Theta.
        var theta = new double[m, m];
        var deltas = new double[]?[nodes.Length];
        var outputWidth = widths[graph.Output];
        var seedDelta = new double[m * outputWidth];
        for (var p = 0; p < m; p++)
            seedDelta[p * outputWidth] = 1;
        deltas[graph.Output] = seedDelta;
        for (var id = nodes.Length - 1; id >= 0; id--)
        {
            var node = nodes[id];
            if (deltas[id] is not { } delta || node.Op is Input)
                continue;
            var width = widths[id];
            switch (node.Op)
            {
                case Flatten:
                    Pass(node.Inputs[0], delta);
                    break;
                case Linear linear:
                {
                    var fanIn = (int)linear.InFeatures;
                    var inputIsData = IsInputLike(graph, node.Inputs[0]);
                    for (var p = 0; p < m; p++)
                        for (var r = p; r < m; r++)
                        {
                            var features = inputIsData ? gram[p, r] * inputDim : Blas.Dot(values[node.Inputs[0]].AsSpan(p * fanIn, fanIn), values[node.Inputs[0]].AsSpan(r * fanIn, fanIn));
                            var backward = Blas.Dot(delta.AsSpan(p * width, width), delta.AsSpan(r * width, width));
                            var term = (features + (node.SigmaB2 is null ? 0 : 1)) * backward;
                            theta[p, r] += term;
                            if (r != p)
                                theta[r, p] += term;
                        }
                    if (!inputIsData)
                    {
                        var w = weights[id]!;
                        var passed = new double[m * fanIn];
                        for (var j = 0; j < width; j++)
                            for (var p = 0; p < m; p++)
                                if (delta[p * width + j] is var dj && dj != 0)
                                    Blas.Axpy(dj, w.AsSpan(j * fanIn, fanIn), passed.AsSpan(p * fanIn, fanIn));
                        Pass(node.Inputs[0], passed);
                    }
                    break;
                }
                case Activation activation:
                {
                    var (_, phiPrime) = Pointwise(Activations.For(activation)!);
                    var input = values[node.Inputs[0]]!;
                    var passed = new double[delta.Length];
                    for (var idx = 0; idx < delta.Length; idx++)
                        passed[idx] = delta[idx] * phiPrime(input[idx]);
                    Pass(node.Inputs[0], passed);
                    break;
                }
                case Add add:
                    for (var k = 0; k < node.Inputs.Length; k++)
                    {
                        var passed = (double[])delta.Clone();
                        if (k > 0)
                            for (var idx = 0; idx < passed.Length; idx++)
                                passed[idx] *= add.BranchScale;
                        Pass(node.Inputs[k], passed);
                    }
                    break;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        return theta;

        void Pass(int target, double[] passed)
        {
            if (deltas[target] is { } existing)
                Blas.Axpy(1, passed, existing);
            else
                deltas[target] = passed;
        }
    }

    private static (Func<double, double> Phi, Func<double, double> PhiPrime) Pointwise(ActivationRule rule) => rule switch
    {
        AbReluRule ab => (x => x > 0 ? ab.B * x : ab.A * x, x => x > 0 ? ab.B : ab.A),
        NumericActivationRule numeric => (numeric.Phi, numeric.PhiPrime),
        _ => throw new InvalidOperationException($"no pointwise form for {rule.Name}"),
    };

    /// <summary>A symmetric square root S (row-major) of scale · gram + bias · 11^T, so that S g ~ N(0, that) for g ~ N(0, I).</summary>
    private static double[] SquareRoot(double[,] gram, double scale, double bias)
    {
        var m = gram.GetLength(0);
        var covariance = Matrix<double>.Build.Dense(m, m, (i, j) => scale * gram[i, j] + bias);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var roots = evd.EigenValues.Select(e => Math.Sqrt(Math.Max(e.Real, 0))).ToArray();
        var root = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalArray(roots) * evd.EigenVectors.Transpose();
        var flat = new double[m * m];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
                flat[i * m + j] = root[i, j];
        return flat;
    }

    /// <summary>Standard normals from xoshiro256** (seeded by splitmix64) by Box–Muller: the weights of one draw are millions of numbers.</summary>
    private sealed class GaussianSource(int seed)
    {
        private ulong _s0 = SplitMix(0x9E3779B97F4A7C15UL * (ulong)(seed + 1)), _s1 = SplitMix(0xBF58476D1CE4E5B9UL + (ulong)seed),
            _s2 = SplitMix(0x94D049BB133111EBUL ^ (ulong)seed), _s3 = SplitMix(0x2545F4914F6CDD1DUL + 3 * (ulong)seed);

        public void Fill(Span<double> target, double scale = 1)
        {
            for (var idx = 0; idx < target.Length; idx += 2)
            {
                var u1 = (NextUlong() >> 11) * (1.0 / (1UL << 53));
                var u2 = (NextUlong() >> 11) * (1.0 / (1UL << 53));
                var radius = scale * Math.Sqrt(-2 * Math.Log(1 - u1));
                var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
                target[idx] = radius * cos;
                if (idx + 1 < target.Length)
                    target[idx + 1] = radius * sin;
            }
        }

        private ulong NextUlong()
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        private static ulong SplitMix(ulong x)
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
