using LearningMechanics.Model.Values;

namespace LearningMechanics.Model.Init;

/// <summary>
/// How a weight (or bias) tensor is initialised. Every mean-field formula uses the fan-in normalised variance
/// sigma_w^2 = Var(W) * fan_in (THEORY.md §0.2); <see cref="SigmaW2"/> returns exactly that.
/// </summary>
public abstract record InitSpec
{
    /// <summary>Where the init is declared; null for defaults.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>Var(W) of one entry, given PyTorch's fan-in and fan-out of the tensor.</summary>
    public abstract double Variance(long fanIn, long fanOut);

    /// <summary>E[W] of one entry.</summary>
    public virtual double Mean => 0;

    /// <summary>Fan-in normalised second moment: sigma_w^2 = E[W^2] * fan_in.</summary>
    public double SigmaW2(long fanIn, long fanOut) => (Variance(fanIn, fanOut) + Mean * Mean) * fanIn;

    /// <summary>Short description for hovers ("TorchSharp default kaiming_uniform(a=√5)").</summary>
    public abstract string Describe();
}

/// <summary>
/// TorchSharp's default for Linear/Conv weights: kaiming_uniform_(a = sqrt 5), i.e. U(±1/sqrt(fan_in)), Var = 1/(3 fan_in),
/// sigma_w^2 = 1/3. Biases: U(±1/sqrt(fan_in)), Var = 1/(3 fan_in). THEORY.md §0.2 [V: PyTorch reset_parameters].
/// </summary>
public sealed record TorchDefaultInit : InitSpec
{
    public static TorchDefaultInit Instance { get; } = new();

    public override double Variance(long fanIn, long fanOut) => 1.0 / (3.0 * fanIn);

    public override string Describe() => "TorchSharp default: U(±1/√fan_in), σw² = 1/3";
}

public enum FanMode
{
    FanIn,
    FanOut,
}

/// <summary>kaiming_uniform_/kaiming_normal_(a, mode, nonlinearity): Var = gain^2 / fan_mode for both (He et al. 2015).</summary>
public sealed record KaimingInit(bool Uniform, double A = 0, FanMode Mode = FanMode.FanIn, string Nonlinearity = "leaky_relu") : InitSpec
{
    public double Gain => Gains.Calculate(Nonlinearity, A);

    public override double Variance(long fanIn, long fanOut) => Gain * Gain / (Mode == FanMode.FanIn ? fanIn : fanOut);

    public override string Describe() =>
        $"kaiming_{(Uniform ? "uniform" : "normal")}(nonlinearity = {Nonlinearity}{(A != 0 ? $", a = {A:G4}" : "")}{(Mode == FanMode.FanOut ? ", fan_out" : "")})";
}

/// <summary>xavier_uniform_/xavier_normal_(gain): Var = gain^2 * 2 / (fan_in + fan_out) (Glorot and Bengio 2010).</summary>
public sealed record XavierInit(bool Uniform, double Gain = 1.0) : InitSpec
{
    public override double Variance(long fanIn, long fanOut) => Gain * Gain * 2.0 / (fanIn + fanOut);

    public override string Describe() => $"xavier_{(Uniform ? "uniform" : "normal")}(gain = {Gain:G4})";
}

/// <summary>normal_(mean, std) or trunc_normal_ (treated as untruncated: exact within 1% when the cut is ≥ 2.5 std).</summary>
public sealed record NormalInit(double MeanValue, double Std) : InitSpec
{
    public override double Mean => MeanValue;

    public override double Variance(long fanIn, long fanOut) => Std * Std;

    public override string Describe() => $"normal(mean = {MeanValue:G4}, std = {Std:G4})";
}

/// <summary>uniform_(low, high): Var = (high - low)^2 / 12.</summary>
public sealed record UniformInit(double Low, double High) : InitSpec
{
    public override double Mean => (Low + High) / 2;

    public override double Variance(long fanIn, long fanOut) => (High - Low) * (High - Low) / 12.0;

    public override string Describe() => $"uniform({Low:G4}, {High:G4})";
}

/// <summary>constant_(value), zeros_, ones_.</summary>
public sealed record ConstantInit(double Value) : InitSpec
{
    public override double Mean => Value;

    public override double Variance(long fanIn, long fanOut) => 0;

    public override string Describe() => Value == 0 ? "zeros" : $"constant({Value:G4})";
}

/// <summary>orthogonal_(gain): a (semi-)orthogonal matrix times gain, so each entry has Var = gain^2 / max(fan_in, fan_out).</summary>
public sealed record OrthogonalInit(double Gain = 1.0) : InitSpec
{
    public override double Variance(long fanIn, long fanOut) => Gain * Gain / Math.Max(fanIn, fanOut);

    public override string Describe() => $"orthogonal(gain = {Gain:G4})";
}

/// <summary>Statistics measured from stored (for example trained) weights, as read from an ONNX initializer.</summary>
public sealed record MeasuredInit(double MeasuredMean, double MeasuredVariance, long Count) : InitSpec
{
    public override double Mean => MeasuredMean;

    public override double Variance(long fanIn, long fanOut) => MeasuredVariance;

    public override string Describe() => $"stored weights: mean {MeasuredMean:G3}, var {MeasuredVariance:G3} ({Count:N0} values)";
}
