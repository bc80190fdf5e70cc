namespace LearningMechanics.Model.Graph;

public enum ModelOrigin
{
    TorchSharp,
    Onnx,
    Synthetic,
}
