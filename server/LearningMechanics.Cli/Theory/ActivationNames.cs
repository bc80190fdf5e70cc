using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Cli.Theory;

/// <summary>The activation rule for a command-line name (the engine's own rules; erf has a closed form, THEORY.md §6.1).</summary>
public static class ActivationNames
{
    public const string Known = "tanh, erf, relu, leaky-relu (--alpha, default 0.01), linear, abs, gelu, silu, elu (--alpha, default 1), selu, sigmoid, softplus, mish, relu6, hardtanh";

    public static ActivationRule Parse(string? name, double? alpha) => name?.ToLowerInvariant() switch
    {
        "tanh" => Activations.Tanh,
        "erf" => ErfRule.Instance,
        "relu" => AbReluRule.Relu,
        "leaky-relu" or "leakyrelu" => AbReluRule.LeakyRelu(alpha ?? 0.01),
        "linear" or "identity" => AbReluRule.Identity,
        "abs" => AbReluRule.Abs,
        "gelu" => Activations.Gelu,
        "silu" or "swish" => Activations.Silu,
        "elu" => Activations.Elu(alpha ?? 1.0),
        "selu" => Activations.Selu,
        "sigmoid" => Activations.Sigmoid,
        "softplus" => Activations.Softplus,
        "mish" => Activations.Mish,
        "relu6" => Activations.Relu6,
        "hardtanh" => Activations.Hardtanh,
        null => throw new TheoryUsageException($"--activation is required ({Known})"),
        _ => throw new TheoryUsageException($"unknown activation '{name}' ({Known})"),
    };

    /// <summary>How the rule's expectations are computed, for the assumptions list (THEORY.md §3, §15 accuracy caveat).</summary>
    public static string Numerics(ActivationRule phi) => phi switch
    {
        AbReluRule => "closed form (arc-cosine kernel, Cho & Saul 2009; THEORY.md §6.1)",
        ErfRule => "closed form (THEORY.md §6.1)",
        NumericActivationRule { IsSmooth: true } => "Gauss–Hermite quadrature (160 nodes 1-D, 64 x 64 2-D; THEORY.md §15)",
        NumericActivationRule => "Gauss–Legendre quadrature split at the kinks (Gauss–Hermite is biased for a discontinuous phi', THEORY.md §3)",
        _ => "quadrature",
    };
}
