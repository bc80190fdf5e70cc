using LearningMechanics.Model.Graph;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>A weight node with its parameter tensors.</summary>
public sealed record WeightLayer(Node Node, Tensor Weight, Tensor? Bias);
