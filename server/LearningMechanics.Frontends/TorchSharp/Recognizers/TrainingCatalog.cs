using LearningMechanics.Model.Training;

namespace LearningMechanics.Frontends.TorchSharp.Recognizers;

/// <summary>TorchSharp 0.107 optimizers, losses and schedulers: parameter names in declaration order and default rates.</summary>
internal static class TrainingCatalog
{
    public sealed record OptimizerEntry(OptimizerKind Kind, double? DefaultRate, string[] Parameters);

    private static readonly string[] s_adamParameters = ["parameters", "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"];

    public static IReadOnlyDictionary<string, OptimizerEntry> Optimizers { get; } = new Dictionary<string, OptimizerEntry>(StringComparer.Ordinal)
    {
        // SGD's rate is required and named learningRate (TorchSharp Optimizers/SGD.cs).
        ["SGD"] = new(OptimizerKind.Sgd, null, ["parameters", "learningRate", "momentum", "dampening", "weight_decay", "nesterov", "maximize"]),
        ["Adam"] = new(OptimizerKind.Adam, 1e-3, s_adamParameters),
        ["AdamW"] = new(OptimizerKind.AdamW, 1e-3, s_adamParameters),
        ["RMSProp"] = new(OptimizerKind.RmsProp, 1e-2, ["parameters", "lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"]),
        ["Adagrad"] = new(OptimizerKind.Adagrad, 1e-2, ["parameters", "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]),
        ["Adadelta"] = new(OptimizerKind.Other, 1.0, ["parameters", "lr", "rho", "eps", "weight_decay", "maximize"]),
        ["Adamax"] = new(OptimizerKind.Other, 2e-3, ["parameters", "lr", "beta1", "beta2", "eps", "weight_decay"]),
        ["NAdam"] = new(OptimizerKind.Other, 2e-3, ["named_parameters", "lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay"]),
        ["RAdam"] = new(OptimizerKind.Other, 2e-3, ["parameters", "lr", "beta1", "beta2", "eps", "weight_decay"]),
    };

    public static IReadOnlyDictionary<string, LossKind> Losses { get; } = new Dictionary<string, LossKind>(StringComparer.Ordinal)
    {
        ["MSELoss"] = LossKind.Mse,
        ["CrossEntropyLoss"] = LossKind.CrossEntropy,
        ["NLLLoss"] = LossKind.Nll,
        ["L1Loss"] = LossKind.L1,
        ["BCELoss"] = LossKind.Bce,
        ["BCEWithLogitsLoss"] = LossKind.Bce,
        ["HuberLoss"] = LossKind.Other,
        ["SmoothL1Loss"] = LossKind.Other,
        ["KLDivLoss"] = LossKind.Other,
    };

    public static string[] LossParameters(string name) => name switch
    {
        "CrossEntropyLoss" => ["weight", "ignore_index", "reduction"],
        "NLLLoss" or "BCELoss" or "BCEWithLogitsLoss" => ["weight", "reduction"],
        "HuberLoss" => ["delta", "reduction"],
        "KLDivLoss" => ["log_target", "reduction"],
        _ => ["reduction"],
    };

    public static IReadOnlySet<string> Schedulers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "StepLR", "OneCycleLR", "CosineAnnealingLR", "ExponentialLR", "MultiStepLR", "LinearLR", "ReduceLROnPlateau", "CosineAnnealingWarmRestarts",
    };

    public static string[] SchedulerParameters(string name) => name switch
    {
        "OneCycleLR" => ["optimizer", "max_lr", "total_steps", "epochs", "steps_per_epoch"],
        "StepLR" => ["optimizer", "step_size", "gamma"],
        "CosineAnnealingLR" => ["optimizer", "T_max", "eta_min"],
        _ => ["optimizer"],
    };
}
