using System.Globalization;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.MeanField;
using TheoryActivations = LearningMechanics.Theory.Rules.Activations;

namespace LearningMechanics.Cli.Grid;

/// <summary>
/// The model graphs of a grid, built in code. Depth counts weight layers (Linear/Conv), readout included, as the theory's
/// trainable-depth rule does. MLP: Input[d] → (Linear, phi) × (depth - 1) → Linear(width, 1). CNN: Input[C, S, S] (the
/// spec's imageChannels and imageSize, default 3 x 12 x 12) →
/// (valid 3x3 Conv, phi) × (depth - 1) → Flatten → Linear. ResNet: Input[d] → Linear stem → (depth - 2) residual blocks
/// h + Linear(phi(h)) → Linear(width, 1). MSE loss (mean, no 1/2), scalar output.
/// </summary>
public static class GridModels
{
    public static readonly string[] KnownActivations = ["relu", "tanh", "gelu", "silu", "sigmoid", "linear"];

    public static Activation? ActivationOf(string name) => name switch
    {
        "relu" => new Activation(ActivationKind.ReLU),
        "tanh" => new Activation(ActivationKind.Tanh),
        "gelu" => new Activation(ActivationKind.GELU),
        "silu" => new Activation(ActivationKind.SiLU),
        "sigmoid" => new Activation(ActivationKind.Sigmoid),
        "linear" => new Activation(ActivationKind.Identity),
        _ => null,
    };

    public static bool IsKnownInit(string init) =>
        init is "default" or "he" or "xavier" or "critical" || (init.StartsWith("normal:", StringComparison.Ordinal) && ParseSigmaW2(init) is > 0);

    /// <summary>The network of a configuration with MSE loss and, when given, the optimizer (its rate only labels the graph).</summary>
    public static ModelGraph Build(GridConfiguration config, GridSpec spec, OptimizerSpec? optimizer)
    {
        var phi = ActivationOf(config.Activation)!;
        var (weightInit, biasInit) = InitFactory(config, spec, phi);
        var name = config.NetworkKey;
        GraphBuilder builder;
        switch (config.Architecture)
        {
            case "cnn":
            {
                builder = new GraphBuilder(name, ModelOrigin.Synthetic, TensorShape.Of(spec.ImageChannels, spec.ImageSize, spec.ImageSize));
                long channels = spec.ImageChannels;
                long size = spec.ImageSize;
                for (var layerIdx = 0; layerIdx < config.Depth - 1; layerIdx++)
                {
                    var fanIn = channels * 9;
                    builder.Then(Conv.Uniform(2, channels, config.Width, 3), $"conv{layerIdx + 1}", weightInit: weightInit(fanIn), biasInit: biasInit);
                    builder.Then(phi, $"act{layerIdx + 1}");
                    channels = config.Width;
                    size -= 2;
                }
                builder.Then(new Flatten(), "flatten");
                var features = channels * size * size;
                builder.Then(new Linear(features, 1), "readout", weightInit: weightInit(features), biasInit: biasInit);
                break;
            }
            case "resnet":
            {
                builder = new GraphBuilder(name, ModelOrigin.Synthetic, TensorShape.Of(spec.InputDim));
                var h = builder.Then(new Linear(spec.InputDim, config.Width), "stem", weightInit: weightInit(spec.InputDim), biasInit: biasInit);
                for (var blockIdx = 0; blockIdx < Math.Max(0, config.Depth - 2); blockIdx++)
                {
                    builder.Add(phi, [h], $"block{blockIdx + 1}.act");
                    var branch = builder.Then(new Linear(config.Width, config.Width), $"block{blockIdx + 1}.fc", weightInit: weightInit(config.Width), biasInit: biasInit);
                    h = builder.Add(new Add(), [h, branch], $"block{blockIdx + 1}.add");
                }
                builder.Then(new Linear(config.Width, 1), "readout", weightInit: weightInit(config.Width), biasInit: biasInit);
                break;
            }
            default:
            {
                builder = new GraphBuilder(name, ModelOrigin.Synthetic, TensorShape.Of(spec.InputDim));
                long fanIn = spec.InputDim;
                for (var layerIdx = 0; layerIdx < config.Depth - 1; layerIdx++)
                {
                    builder.Then(new Linear(fanIn, config.Width), $"fc{layerIdx + 1}", weightInit: weightInit(fanIn), biasInit: biasInit);
                    builder.Then(phi, $"act{layerIdx + 1}");
                    fanIn = config.Width;
                }
                builder.Then(new Linear(fanIn, 1), "readout", weightInit: weightInit(fanIn), biasInit: biasInit);
                break;
            }
        }
        var loss = new LossSpec(LossKind.Mse, LossReduction.Mean, null);
        return builder.Build(new TrainingSetup(optimizer, loss));
    }

    /// <summary>The optimizer of a configuration at a rate (SGD, SGD with heavy-ball momentum, Adam).</summary>
    public static OptimizerSpec Optimizer(string optimizer, double rate, GridSpec spec) => optimizer switch
    {
        "momentum" => new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(rate), null, Momentum: spec.Momentum),
        "adam" => new OptimizerSpec(OptimizerKind.Adam, Fact<double>.Known(rate), null),
        _ => new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(rate), null),
    };

    /// <summary>sigma_w^2 of the "critical" init: chi_1 = 1 at the spec's sigma_b^2 (2 for ReLU, 1 for tanh at sigma_b^2 = 0).</summary>
    public static double? CriticalSigmaW2(Activation phi, double sigmaB2) =>
        phi.Function == ActivationKind.ReLU
            ? 2.0 // chi_1 = sigma_w^2/2 at every q, whatever sigma_b (THEORY.md §3).
            : TheoryActivations.For(phi) is { } rule ? MeanFieldTheory.CriticalSigmaW2(rule, sigmaB2) : null;

    private static (Func<long, InitSpec?> Weight, InitSpec? Bias) InitFactory(GridConfiguration config, GridSpec spec, Activation phi)
    {
        InitSpec? bias = spec.BiasVariance > 0 ? new NormalInit(0, Math.Sqrt(spec.BiasVariance)) : new ConstantInit(0);
        switch (config.Init)
        {
            case "default":
                return (_ => null, null);
            case "he":
                return (_ => new KaimingInit(Uniform: false, Nonlinearity: "relu"), bias);
            case "xavier":
                return (_ => new XavierInit(Uniform: false), bias);
            case "critical":
                var critical = CriticalSigmaW2(phi, spec.BiasVariance)
                    ?? throw new InvalidOperationException($"no critical sigma_w^2 for {config.Activation} at sigma_b^2 = {spec.BiasVariance}");
                return (fanIn => new NormalInit(0, Math.Sqrt(critical / fanIn)), bias);
            default:
                var sigmaW2 = ParseSigmaW2(config.Init)!.Value;
                return (fanIn => new NormalInit(0, Math.Sqrt(sigmaW2 / fanIn)), bias);
        }
    }

    private static double? ParseSigmaW2(string init) =>
        double.TryParse(init["normal:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
