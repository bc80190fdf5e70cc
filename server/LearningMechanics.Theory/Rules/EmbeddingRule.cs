using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for an embedding table E (TorchSharp default E ~ N(0, 1)) looked up by distinct tokens.</summary>
/// <remarks>
/// Each probe is taken to be a different token, so rows are independent:                                  Evidence: [D]
///   Sigma'(x, x) = E[E_ij^2] (= 1 by default),   Sigma'(x, x') = 0,
///   Theta'(x, x) = 1 (standard: d h / d E_row = 1) or E[E_ij^2] (NTK parameterization), Theta'(x, x') = 0.
/// The output is Gaussian when the table's init is Gaussian (the default, or normal_).
/// </remarks>
public sealed record EmbeddingRule : IOpRule
{
    public string Describe() => "Sigma'(x,x) = E[E_ij^2], distinct tokens uncorrelated";

    public NodeState Apply(OpRuleContext context)
    {
        var embedding = (Embedding)context.Node.Op;
        var init = context.Node.WeightInit;
        var secondMoment = init is null ? 1.0 : init.Variance(embedding.NumEmbeddings, embedding.EmbeddingDim) + init.Mean * init.Mean;
        var isGaussian = init is null or NormalInit;
        var probes = context.InputKernel.Count;
        return NodeState.Of(KernelMatrix.FromInputGram(new double[probes, probes]).MapPairs(
            (i, j) => i == j
                ? (secondMoment, context.Parameterization == Parameterization.Standard ? 1.0 : secondMoment, 1.0)
                : (0.0, 0.0, 1.0),
            isGaussian,
            isFreshAffine: true));
    }
}
