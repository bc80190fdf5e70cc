using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// Kernel rule of an elementwise activation phi: the Gaussian expectations every mean-field formula needs.
/// </summary>
/// <remarks>
/// With (u, v) ~ N(0, [[q1, k], [k, q2]]):                                                        THEORY.md §2, §3, §6.1
///   Sigma'    = E[phi(u) phi(v)]        (the q-map and c-map before the affine sigma_w^2, sigma_b^2)
///   SigmaDot' = E[phi'(u) phi'(v)]      (chi_1 = sigma_w^2 E[phi'(u)^2] at q*; chi_c at c*)
///   Theta'    = SigmaDot' * Theta       (the NTK factor; the next affine layer adds Sigma, neural-tangents style)
/// Regime: infinite width; the input must be Gaussian (a random affine op precedes the activation).
/// </remarks>
public abstract record ActivationRule
{
    /// <summary>TorchSharp-style name ("Tanh", "LeakyReLU(0.01)").</summary>
    public abstract string Name { get; }

    /// <summary>[D]/[V] for closed forms, [C] for quadrature.</summary>
    public abstract Evidence Evidence { get; }

    /// <summary>True when phi(a x) = a phi(x) for a &gt; 0 (ReLU family, identity): the q-map is linear, q^{l+1} = sigma_w^2 g q^l + sigma_b^2.</summary>
    public virtual bool IsPositivelyHomogeneous => false;

    /// <summary>phi(0).</summary>
    public abstract double ValueAtZero { get; }

    /// <summary>phi'(0) (the right derivative at a kink).</summary>
    public abstract double SlopeAtZero { get; }

    /// <summary>E[phi(u) phi(v)] and E[phi'(u) phi'(v)] for the given covariance.</summary>
    public abstract ActivationMoments Moments(double q1, double q2, double k);

    /// <summary>E[phi(u) phi(v)] alone (the c-map needs no phi').</summary>
    public virtual double Covariance(double q1, double q2, double k) => Moments(q1, q2, k).Sigma;

    /// <summary>E[phi(sqrt(q) z)^2].</summary>
    public virtual double SecondMoment(double q) => Moments(q, q, q).Sigma;

    /// <summary>E[phi'(sqrt(q) z)^2]; sigma_w^2 times this is chi at length q.</summary>
    public virtual double SlopeSecondMoment(double q) => Moments(q, q, q).SigmaDot;

    /// <summary>d/dq E[phi(sqrt(q) z)^2] = E[phi'^2 + phi phi''] (Stein); sigma_w^2 times this at q* is exp(-1/xi_q) (THEORY.md §3).</summary>
    public abstract double LengthMapSlope(double q);

    /// <summary>Applies the rule to every pair of probes of a Gaussian kernel.</summary>
    public KernelMatrix Apply(KernelMatrix kernel) => kernel.MapPairs(
        (i, j) =>
        {
            var moments = i == j
                ? new ActivationMoments(SecondMoment(kernel.Q(i)), SlopeSecondMoment(kernel.Q(i)))
                : Moments(kernel.Q(i), kernel.Q(j), kernel.Sigma(i, j));
            return (moments.Sigma, moments.SigmaDot * kernel.Theta(i, j), moments.SigmaDot);
        },
        isGaussian: false,
        isFreshAffine: false);
}
