using LearningMechanics.Frontends.TorchSharp.Evaluation;
using LearningMechanics.Model.Init;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Recognizers;

/// <summary><c>torch.nn.init.*_</c> functions (TorchSharp 0.107 signatures) mapped to <see cref="InitSpec"/>s.</summary>
internal static class InitCatalog
{
    public static bool IsInit(string name) => name is "kaiming_normal_" or "kaiming_uniform_" or "xavier_normal_" or "xavier_uniform_"
        or "normal_" or "trunc_normal_" or "uniform_" or "zeros_" or "ones_" or "constant_" or "orthogonal_";

    public static string[] Parameters(string name) => name switch
    {
        "kaiming_normal_" or "kaiming_uniform_" => ["tensor", "a", "mode", "nonlinearity"],
        "xavier_normal_" or "xavier_uniform_" or "orthogonal_" => ["tensor", "gain"],
        "normal_" => ["tensor", "mean", "std"],
        "trunc_normal_" => ["tensor", "mean", "std", "a", "b"],
        "uniform_" => ["tensor", "low", "high"],
        "constant_" => ["tensor", "val"],
        _ => ["tensor"],
    };

    /// <summary>The init spec, or null when a needed argument is not known.</summary>
    public static InitSpec? Build(string name, CallArguments arguments, Func<ExpressionSyntax, Value> eval)
    {
        double? Number(string parameter, double fallback)
        {
            if (arguments.Get(parameter) is not { } expression)
                return fallback;
            return Values.TryDouble(eval(expression), out var value) ? value : null;
        }

        switch (name)
        {
            case "kaiming_normal_" or "kaiming_uniform_":
                var a = Number("a", 0);
                var mode = arguments.Get("mode") is { } m ? eval(m) : null;
                var nonlinearity = arguments.Get("nonlinearity") is { } n ? eval(n) : null;
                if (a is null || mode is UnknownValue || nonlinearity is UnknownValue)
                    return null;
                return new KaimingInit(name == "kaiming_uniform_", a.Value,
                    mode is EnumValue { Member: "FanOut" } ? FanMode.FanOut : FanMode.FanIn,
                    nonlinearity is EnumValue e ? Nonlinearity(e.Member) : nonlinearity is StringValue s ? s.Value : "leaky_relu");
            case "xavier_normal_" or "xavier_uniform_":
                return Number("gain", 1) is double gain ? new XavierInit(name == "xavier_uniform_", gain) : null;
            case "orthogonal_":
                return Number("gain", 1) is double orthogonalGain ? new OrthogonalInit(orthogonalGain) : null;
            case "normal_" or "trunc_normal_":
                return Number("mean", 0) is double mean && Number("std", 1) is double std ? new NormalInit(mean, std) : null;
            case "uniform_":
                return Number("low", 0) is double low && Number("high", 1) is double high ? new UniformInit(low, high) : null;
            case "zeros_":
                return new ConstantInit(0);
            case "ones_":
                return new ConstantInit(1);
            case "constant_":
                return Number("val", double.NaN) is double value && !double.IsNaN(value) ? new ConstantInit(value) : null;
            default:
                return null;
        }
    }

    /// <summary>TorchSharp's <c>init.NonlinearityType</c> member to the name <see cref="Gains"/> uses.</summary>
    private static string Nonlinearity(string member) => member switch
    {
        "ReLU" => "relu",
        "LeakyReLU" => "leaky_relu",
        "Tanh" => "tanh",
        "Sigmoid" => "sigmoid",
        "Linear" => "linear",
        "SELU" => "selu",
        "Conv1D" => "conv1d",
        "Conv2D" => "conv2d",
        "Conv3D" => "conv3d",
        _ => member.ToLowerInvariant(),
    };
}
