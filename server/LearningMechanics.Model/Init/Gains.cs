namespace LearningMechanics.Model.Init;

/// <summary>torch.nn.init.calculate_gain, as TorchSharp implements it.</summary>
public static class Gains
{
    public static double Calculate(string nonlinearity, double param = 0) => nonlinearity.ToLowerInvariant() switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "sigmoid" or "identity" => 1.0,
        "tanh" => 5.0 / 3.0,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" or "leakyrelu" => Math.Sqrt(2.0 / (1 + param * param)),
        "selu" => 3.0 / 4.0,
        _ => 1.0,
    };
}
