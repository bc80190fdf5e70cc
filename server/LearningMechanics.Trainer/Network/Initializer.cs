using LearningMechanics.Model.Init;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>
/// Applies a node's declared <see cref="InitSpec"/> with torch.nn.init, as the user's code would. A null spec and
/// <see cref="TorchDefaultInit"/> leave TorchSharp's own default (kaiming_uniform(a = √5), bias U(±1/√fan_in)).
/// Call under no_grad.
/// </summary>
public static class Initializer
{
    public static void Apply(WeightLayer layer)
    {
        var fans = layer.Node.Op.Fans!.Value; // WeightLayers only yields nodes with fans.
        if (layer.Node.WeightInit is { } weightInit and not TorchDefaultInit)
            ApplyToWeight(layer.Weight, weightInit, fans.FanIn, fans.FanOut);
        if (layer.Bias is { } bias && layer.Node.BiasInit is { } biasInit and not TorchDefaultInit)
            ApplyByMoments(bias, biasInit, fans.FanIn, fans.FanOut);
    }

    private static void ApplyToWeight(Tensor weight, InitSpec spec, long fanIn, long fanOut)
    {
        switch (spec)
        {
            case KaimingInit kaiming when Nonlinearity(kaiming.Nonlinearity) is { } nonlinearity:
                var mode = kaiming.Mode == FanMode.FanIn ? nn.init.FanInOut.FanIn : nn.init.FanInOut.FanOut;
                if (kaiming.Uniform)
                    nn.init.kaiming_uniform_(weight, kaiming.A, mode, nonlinearity);
                else
                    nn.init.kaiming_normal_(weight, kaiming.A, mode, nonlinearity);
                break;
            case XavierInit xavier:
                if (xavier.Uniform)
                    nn.init.xavier_uniform_(weight, xavier.Gain);
                else
                    nn.init.xavier_normal_(weight, xavier.Gain);
                break;
            case NormalInit normal:
                nn.init.normal_(weight, normal.MeanValue, normal.Std);
                break;
            case UniformInit uniform:
                nn.init.uniform_(weight, uniform.Low, uniform.High);
                break;
            case ConstantInit constant:
                nn.init.constant_(weight, constant.Value);
                break;
            case OrthogonalInit orthogonal:
                nn.init.orthogonal_(weight, orthogonal.Gain);
                break;
            default:
                ApplyByMoments(weight, spec, fanIn, fanOut);
                break;
        }
    }

    /// <summary>
    /// Samples N(mean, variance) (uniform for uniform-family specs) with the spec's moments at the weight's fans. Used for
    /// biases, where fan-based torch.nn.init functions do not apply to 1-D tensors, and for specs without an init function.
    /// </summary>
    private static void ApplyByMoments(Tensor tensor, InitSpec spec, long fanIn, long fanOut)
    {
        var std = Math.Sqrt(spec.Variance(fanIn, fanOut));
        var uniform = spec is UniformInit or KaimingInit { Uniform: true } or XavierInit { Uniform: true };
        if (std == 0)
            nn.init.constant_(tensor, spec.Mean);
        else if (uniform)
            nn.init.uniform_(tensor, spec.Mean - Math.Sqrt(3) * std, spec.Mean + Math.Sqrt(3) * std);
        else
            nn.init.normal_(tensor, spec.Mean, std);
    }

    private static nn.init.NonlinearityType? Nonlinearity(string name) => name.ToLowerInvariant() switch
    {
        "relu" => nn.init.NonlinearityType.ReLU,
        "leaky_relu" or "leakyrelu" => nn.init.NonlinearityType.LeakyReLU,
        "tanh" => nn.init.NonlinearityType.Tanh,
        "sigmoid" => nn.init.NonlinearityType.Sigmoid,
        "linear" or "identity" => nn.init.NonlinearityType.Linear,
        "conv1d" => nn.init.NonlinearityType.Conv1D,
        "conv2d" => nn.init.NonlinearityType.Conv2D,
        "conv3d" => nn.init.NonlinearityType.Conv3D,
        _ => null,
    };
}
