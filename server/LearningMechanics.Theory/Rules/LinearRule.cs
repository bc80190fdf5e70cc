using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Numerics;

namespace LearningMechanics.Theory.Rules;

/// <summary>Kernel rule for a random affine layer h = W x + b: Linear, and Conv per spatial location.</summary>
/// <remarks>
/// W_ij ~ N(0, sigma_w^2 / fan_in), b_i ~ N(0, sigma_b^2), fan-in normalised (THEORY.md §0.2):       THEORY.md §2, §6.1
///   Sigma^{l+1} = sigma_w^2 Sigma^l + sigma_b^2             (the q-map: q^{l+1} = sigma_w^2 E[x^2] + sigma_b^2)
///   NTK parameterization:  Theta^{l+1} = Sigma^{l+1} + sigma_w^2 Theta^l
///   standard (PyTorch):    Theta^{l+1} = fan_in Sigma^l + 1[bias] + sigma_w^2 Theta^l
/// where Theta^l already carries E[phi'phi'] from the activation before (neural-tangents stax.Dense).
/// Conv: the same per output location with fan_in = in_channels/groups × kernel elements, for a per-location kernel
/// that is the same at every location (interior locations; zero padding lowers q at borders; Xiao et al. 2018 [U]).
/// Only Var(W) enters, so uniform (PyTorch default) and normal inits give the same kernels.
/// Source: Poole et al. 2016, Jacot et al. 2018, Sohl-Dickstein et al. 2020 via neural-tangents. Evidence: [V] code, [D].
/// Regime: infinite width; the output is Gaussian whatever the input, by the central limit theorem over fan_in.
/// </remarks>
public sealed record LinearRule : IOpRule
{
    public string Describe() => "Sigma' = sigma_w^2 Sigma + sigma_b^2; Theta' = Sigma' + sigma_w^2 Theta (NTK) or fan_in Sigma + 1 + sigma_w^2 Theta (SP)";

    public NodeState Apply(OpRuleContext context)
    {
        if (OpRules.FirstUnknown(context) is { } unknown)
            return unknown;
        var node = context.Node;
        var fans = node.Op.Fans!.Value; // Linear and Conv always have fans.
        var sigmaW2 = node.SigmaW2!.Value;
        var sigmaB2 = node.SigmaB2 ?? 0;
        var hasBias = node.SigmaB2 is not null;
        return NodeState.Of(Apply(context.Inputs[0].Kernel!, sigmaW2, sigmaB2, fans.FanIn, hasBias, context.Parameterization));
    }

    /// <summary>The affine step on a kernel, in one place for every weight op (elementwise over the symmetric matrices).</summary>
    public static KernelMatrix Apply(KernelMatrix kernel, double sigmaW2, double sigmaB2, long fanIn, bool hasBias, Parameterization parameterization)
    {
        var sigmaIn = kernel.SigmaValues;
        var thetaIn = kernel.ThetaValues;
        var (sigma, theta) = (KernelMatrix.NewPacked(kernel.Count), KernelMatrix.NewPacked(kernel.Count));
        // Sigma' = a Sigma + b;  Theta' = (NTK) a Sigma + b + a Theta,  (SP) fan_in Sigma + 1[bias] + a Theta.
        var ntk = parameterization == Parameterization.Ntk;
        var (thetaFromSigma, thetaOffset) = ntk ? (sigmaW2, sigmaB2) : (fanIn, hasBias ? 1.0 : 0.0);
        Blas.AffinePair(sigmaIn, thetaIn, sigma, theta, sigmaW2, sigmaB2, thetaFromSigma, thetaOffset);
        return KernelMatrix.FromPacked(kernel.Count, sigma, theta, null, isGaussian: true, isFreshAffine: true);
    }

    internal static bool IsWeightOp(Op op) => op is Linear or Conv;
}
