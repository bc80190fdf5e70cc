using LearningMechanics.Model.Graph;
using LearningMechanics.Trainer.Network;
using TorchSharp;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>What every experiment gets: the checked graph, the device, the job's seed and a progress sink (fraction within the experiment).</summary>
public sealed record ExperimentContext(ModelGraph Graph, torch.Device Device, int Seed, Action<double, string> Progress)
{
    /// <summary>A freshly initialised network on the device; the init is a function of the seed alone.</summary>
    public GraphNetwork BuildNetwork()
    {
        torch.manual_seed(Seed);
        var network = NetworkBuilder.Build(Graph);
        network.to(Device);
        return network;
    }
}
