using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for average pooling (AvgPool, AdaptiveAvgPool); max pooling has no rule.</summary>
/// <remarks>
/// Averaging k positions of a signal whose per-position kernel is Sigma and whose unit mean is m (the activation's
/// common mode, the same at every position): the mean passes whole, the fluctuation averages over the positions.
/// Taking distinct positions as uncorrelated apart from the common mode (i.i.d. spatial inputs, receptive fields
/// that do not overlap):                                                                                  [D]
///   Sigma'(x, x') = m m' + (Sigma(x, x') - m m') / k,   Theta' likewise without the mean term (Theta / k).
/// Overlapping receptive fields correlate neighbouring positions, so the fluctuating part is a lower bound; with
/// spatially constant inputs it is Sigma itself (k = 1). k is the kernel area (AvgPool) or the input area over the
/// output area (adaptive). Max pooling is not an average of Gaussians (an order statistic), so it has no rule.
/// Evidence: [D]. Regime: positions uncorrelated apart from the mean.
/// </remarks>
public sealed record PoolRule : IOpRule
{
    public string Describe() => "average: Sigma' = m m' + (Sigma - m m')/k over k uncorrelated positions; max pooling: no theory";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var pool = (Pool)context.Node.Op;
        if (pool.Function is PoolKind.Max or PoolKind.AdaptiveMax)
            return NodeState.Unknown("no theory: max pooling is an order statistic of correlated positions, not an average of Gaussians", context.Node.Id);
        if (PooledPositions(pool, context.InputShapes.Length > 0 ? context.InputShapes[0] : null) is not { } positions)
            return NodeState.Unknown("no theory: the pooled area is unknown (the input's spatial size is not known)", context.Node.Id);
        var kernel = context.Inputs[0].Kernel!;
        return NodeState.Of(kernel.MapPairs(
            (i, j) =>
            {
                var common = kernel.Mean(i) * kernel.Mean(j);
                return (common + (kernel.Sigma(i, j) - common) / positions, kernel.Theta(i, j) / positions, kernel.SigmaDot(i, j));
            },
            isGaussian: false,
            isFreshAffine: false).WithMeans(kernel.HasMeans ? Enumerable.Range(0, kernel.Count).Select(kernel.Mean).ToArray() : null));
    }

    private static double? PooledPositions(Pool pool, Model.Shapes.TensorShape? input)
    {
        if (!pool.IsAdaptive)
            return pool.KernelSize.IsDefaultOrEmpty ? null : pool.KernelSize.Aggregate(1.0, (a, k) => a * k);
        if (input is not { IsRankKnown: true } shape || shape.Rank != pool.SpatialDims + 1 || pool.OutputSize.IsDefaultOrEmpty)
            return null;
        var area = 1.0;
        for (var d = 0; d < pool.SpatialDims; d++)
        {
            if (shape.Dims[d + 1] is not long size || pool.OutputSize[d] <= 0)
                return null;
            area *= (double)size / pool.OutputSize[d];
        }
        return area;
    }
}
