using LearningMechanics.Model.Training;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Training;

/// <summary>
/// An optimizer in PyTorch's form: SGD with heavy-ball momentum (buf = momentum*buf + g; p -= lr*buf), Adam and AdamW
/// (bias-corrected; AdamW decouples weight decay).
/// </summary>
public sealed record OptimizerConfig(OptimizerKind Kind, double LearningRate, double Momentum = 0, double Beta1 = 0.9, double Beta2 = 0.999, double WeightDecay = 0, double Eps = 1e-8)
{
    /// <summary>
    /// From the request's parameters ("lr", "optimizer": 0 SGD / 1 Adam / 2 AdamW, "momentum", "beta1", "beta2",
    /// "weight-decay"), falling back on the optimizer the model declares, then plain SGD at <paramref name="defaultLr"/>.
    /// </summary>
    public static OptimizerConfig From(ExperimentRequest request, OptimizerSpec? declared, double defaultLr)
    {
        var kind = request.Parameter("optimizer", -1) switch
        {
            0 => OptimizerKind.Sgd,
            1 => OptimizerKind.Adam,
            2 => OptimizerKind.AdamW,
            _ => declared?.Kind is OptimizerKind.Adam or OptimizerKind.AdamW ? declared.Kind : OptimizerKind.Sgd,
        };
        var declaredLr = declared?.LearningRate is { IsKnown: true } fact ? fact.Value : defaultLr;
        return new OptimizerConfig(
            kind,
            request.Parameter("lr", declaredLr),
            request.Parameter("momentum", declared?.Momentum ?? 0),
            request.Parameter("beta1", declared?.Beta1 ?? 0.9),
            request.Parameter("beta2", declared?.Beta2 ?? 0.999),
            request.Parameter("weight-decay", declared?.WeightDecay ?? 0));
    }

    public string Describe() => Kind switch
    {
        OptimizerKind.Sgd => $"SGD lr {LearningRate:G4}{(Momentum != 0 ? $", heavy-ball momentum {Momentum:G3}" : "")}",
        _ => $"{Kind} lr {LearningRate:G4}, beta1 {Beta1:G3}, beta2 {Beta2:G4}",
    };
}
