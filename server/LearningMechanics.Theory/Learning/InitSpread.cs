using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;

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
    /// <summary>Per node id (null for nodes that are not Linear): how the layer's batch-mean q varies from one drawn net to the next.</summary>
    public ImmutableArray<LayerQFluctuation?> LayerQ { get; init; } = [];

    /// <summary>
    /// Half-width of the 95 % interval of lambda_max across inits, relative: a threshold predicted from the mean cannot be
    /// within a tolerance smaller than this for 95 % of initialisations.
    /// </summary>
    public double Interval95 => 1.96 * RelativeSpread;
}

/// <summary>
/// The batch-mean q = mean over probes and units of z^2 at one Linear layer, over the drawn nets. A finite-width net's q
/// deviates from the infinite-width value by a factor that accumulates over the layers below (relative variance ≈ 5/n per
/// ReLU layer for one input, Hanin &amp; Nica 2019), and correlated inputs share much of it, so a batch average does not remove
/// it. Its between-net variance over m probes is Shared + Within/m; <see cref="RelativeSd"/> gives it for another batch size.
/// </summary>
/// <param name="Mean">Mean over draws of the batch-mean q.</param>
/// <param name="Shared">The part of the between-draw variance that every probe of a net shares.</param>
/// <param name="Within">Mean over draws of the variance of q between the probes of one net.</param>
public sealed record LayerQFluctuation(double Mean, double Shared, double Within)
{
    /// <summary>Relative standard deviation of one net's batch-mean q over <paramref name="batch"/> inputs.</summary>
    public double RelativeSd(int batch) => Mean > 0 ? Math.Sqrt(Shared + Within / batch) / Mean : double.NaN;
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
        // Each draw draws every weight once (NormalCost each), then runs m probes forward and backward through it.
        if (!DrawnNetwork.IsSupported(graph)
            || DrawnNetwork.Plan(graph, gramOverN0, m => 2 * m + NormalCost, Budget, Draws, MinDraws, MaxSample, MinSample) is not { } plan)
            return null;
        var (gram, drawCount) = plan;
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
        var network = new DrawnNetwork(graph, gram); // redrawn in place: a 512 x 512 layer is 2 MB
        var linears = graph.Nodes.Where(n => n.Op is Linear).Select(n => n.Id).ToArray();
        var (batchMeans, within) = (new double[linears.Length, drawCount], new double[linears.Length]);
        for (var d = 0; d < drawCount; d++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            network.Draw(random);
            network.Forward(cancellationToken);
            for (var k = 0; k < linears.Length; k++)
            {
                var q = network.ProbeSecondMoments(linears[k]);
                var qMean = q.Average();
                batchMeans[k, d] = qMean;
                within[k] += q.Sum(v => (v - qMean) * (v - qMean)) / (m - 1) / drawCount;
            }
            draws[d] = DataKernels.LambdaMax(network.Ntk(cancellationToken));
        }
        var mean = draws.Average();
        var sd = Math.Sqrt(draws.Sum(x => (x - mean) * (x - mean)) / (drawCount - 1));
        var layerQ = new LayerQFluctuation?[graph.Nodes.Length];
        for (var k = 0; k < linears.Length; k++)
        {
            var means = Enumerable.Range(0, drawCount).Select(d => batchMeans[k, d]).ToArray();
            var qBar = means.Average();
            var between = means.Sum(v => (v - qBar) * (v - qBar)) / (drawCount - 1);
            layerQ[linears[k]] = new LayerQFluctuation(qBar, Math.Max(0, between - within[k] / m), within[k]);
        }
        return mean > 0 ? new InitSpreadEstimate(sd / mean, mean / infinite, drawCount, m) { LayerQ = [.. layerQ] } : null;
    }


}
