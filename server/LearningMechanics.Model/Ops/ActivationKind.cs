namespace LearningMechanics.Model.Ops;

public enum ActivationKind
{
    Identity,
    ReLU,
    LeakyReLU,
    ELU,
    SELU,
    GELU,
    SiLU,
    Tanh,
    Sigmoid,
    Softplus,
    Mish,
    ReLU6,
    Hardtanh,
    Softmax,
    LogSoftmax,
}
