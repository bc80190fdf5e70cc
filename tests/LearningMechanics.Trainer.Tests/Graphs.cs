using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>Model graphs and jobs the tests share.</summary>
internal static class Graphs
{
    /// <summary>Input [width], then nLayers × (Linear width→width, ReLU), ending on the last Linear (no ReLU after it).</summary>
    public static ModelGraph ReluMlp(int nLayers, int width, InitSpec? weightInit = null, bool hasBias = true, string name = "relu-mlp")
    {
        var builder = new GraphBuilder(name, ModelOrigin.Synthetic, TensorShape.Of(width));
        for (var layerIdx = 0; layerIdx < nLayers; layerIdx++)
        {
            builder.Then(new Linear(width, width, hasBias), name: $"fc{layerIdx + 1}", weightInit: weightInit);
            if (layerIdx < nLayers - 1)
                builder.Then(new Activation(ActivationKind.ReLU), name: $"relu{layerIdx + 1}");
        }
        return builder.Build();
    }

    public static TrainerJob Job(ModelGraph graph, params ExperimentRequest[] experiments) =>
        new($"test-{Guid.NewGuid():N}", graph, experiments.ToImmutableArray(), Seed: 1234, Device: "cpu");
}
