using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using static MathNet.Numerics.SpecialFunctions;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// The activation rule of each <see cref="ActivationKind"/>: closed forms for the ReLU family and identity
/// (<see cref="AbReluRule"/>), quadrature for the rest (<see cref="NumericActivationRule"/>). Softmax and LogSoftmax are
/// not elementwise and have none.
/// </summary>
public static class Activations
{
    /// <summary>SELU's constants (Klambauer et al. 2017), as in PyTorch.</summary>
    public const double SeluLambda = 1.0507009873554805, SeluAlpha = 1.6732632423543772;

    public static NumericActivationRule Tanh { get; } = Smooth("Tanh", Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x));

    public static NumericActivationRule Sigmoid { get; } = Smooth("Sigmoid", Logistic, x => Logistic(x) * (1 - Logistic(x)));

    /// <summary>Softplus with beta = 1: ln(1 + e^x).</summary>
    public static NumericActivationRule Softplus { get; } = Smooth("Softplus", SoftplusOf, Logistic);

    /// <summary>Exact (erf-based) GELU, TorchSharp's default: x Phi(x).</summary>
    public static NumericActivationRule Gelu { get; } = Smooth("GELU", x => x * NormalCdf(x), x => NormalCdf(x) + x * NormalPdf(x));

    public static NumericActivationRule Silu { get; } = Smooth("SiLU", x => x * Logistic(x), x => Logistic(x) * (1 + x * (1 - Logistic(x))));

    public static NumericActivationRule Mish { get; } = Smooth(
        "Mish",
        x => x * Math.Tanh(SoftplusOf(x)),
        x =>
        {
            var t = Math.Tanh(SoftplusOf(x));
            return t + x * Logistic(x) * (1 - t * t);
        });

    public static NumericActivationRule Selu { get; } = new(
        "SELU",
        x => SeluLambda * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        x => SeluLambda * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)),
        [0.0]) { Conditional = new EluConditional(SeluLambda, SeluAlpha) };

    public static NumericActivationRule Relu6 { get; } = new("ReLU6", x => Math.Clamp(x, 0, 6), x => 0 < x && x < 6 ? 1 : 0, [0.0, 6.0]);

    /// <summary>Hardtanh with TorchSharp's defaults min_val = -1, max_val = 1.</summary>
    public static NumericActivationRule Hardtanh { get; } = new("Hardtanh", x => Math.Clamp(x, -1, 1), x => -1 < x && x < 1 ? 1 : 0, [-1.0, 1.0]);

    public static NumericActivationRule Elu(double alpha) => new(
        $"ELU({alpha:G4})",
        x => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        x => x > 0 ? 1 : alpha * Math.Exp(x),
        [0.0]) { Conditional = new EluConditional(1, alpha) };

    private static readonly NumericActivationRule s_eluDefault = Elu(1.0);

    /// <summary>The rule for an activation op, or null when it has no elementwise kernel rule (Softmax, LogSoftmax).</summary>
    public static ActivationRule? For(Activation activation) => activation.Function switch
    {
        ActivationKind.Identity => AbReluRule.Identity,
        ActivationKind.ReLU => AbReluRule.Relu,
        ActivationKind.LeakyReLU => activation.Alpha == 0 ? AbReluRule.Relu : AbReluRule.LeakyRelu(activation.Alpha),
        // Alpha = 0 would make ELU a ReLU; frontends leave 0 when the argument is absent, and TorchSharp's default is 1.
        ActivationKind.ELU => activation.Alpha is 0 or 1 ? s_eluDefault : Elu(activation.Alpha),
        ActivationKind.SELU => Selu,
        ActivationKind.GELU => Gelu,
        ActivationKind.SiLU => Silu,
        ActivationKind.Tanh => Tanh,
        ActivationKind.Sigmoid => Sigmoid,
        ActivationKind.Softplus => Softplus,
        ActivationKind.Mish => Mish,
        ActivationKind.ReLU6 => Relu6,
        ActivationKind.Hardtanh => Hardtanh,
        _ => null,
    };

    private static NumericActivationRule Smooth(string name, Func<double, double> phi, Func<double, double> phiPrime) =>
        new(name, phi, phiPrime, ImmutableArray<double>.Empty);

    private static double SoftplusOf(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));

    private static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
