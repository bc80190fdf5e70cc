using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for concatenation: the per-unit kernel is the size-weighted mean of the inputs' kernels.</summary>
/// <remarks>
/// With d_k units from input k: Sigma' = sum_k d_k Sigma_k / sum_k d_k (likewise Theta). The next affine layer then
/// sees E[x^2] averaged over all its inputs, as the q-map needs. Evidence: [D].
/// Regime: the concatenated sizes must be known, unless every input has the same kernel.
/// </remarks>
public sealed record ConcatRule : IOpRule
{
    public string Describe() => "Sigma' = sum_k d_k Sigma_k / sum_k d_k";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var concat = (Concat)context.Node.Op;
        var kernels = context.Inputs.Select(s => s.Kernel!).ToList();
        var sizes = context.InputShapes.Select(shape => AxisSize(shape, concat.Dim)).ToList();
        if (sizes.Any(s => s is null))
        {
            if (kernels.All(k => ReferenceEquals(k, kernels[0])))
                return NodeState.Of(kernels[0]);
            return NodeState.Unknown("no theory: Concat of inputs with unknown sizes along the concatenated dimension", context.Node.Id);
        }
        var total = (double)sizes.Sum(s => s!.Value);
        var weights = sizes.Select(s => s!.Value / total).ToList();
        return NodeState.Of(kernels[0].MapPairs(
            (i, j) => (
                kernels.Select((k, idx) => weights[idx] * k.Sigma(i, j)).Sum(),
                kernels.Select((k, idx) => weights[idx] * k.Theta(i, j)).Sum(),
                1.0),
            isGaussian: kernels.All(k => k.IsGaussian),
            isFreshAffine: kernels.All(k => k.IsFreshAffine)));
    }

    private static long? AxisSize(Model.Shapes.TensorShape shape, long dim)
    {
        if (!shape.IsRankKnown)
            return null;
        var axis = (int)(dim < 0 ? dim + shape.Rank + 1 : dim) - 1;
        return 0 <= axis && axis < shape.Rank ? shape.Dims[axis] : null;
    }
}
