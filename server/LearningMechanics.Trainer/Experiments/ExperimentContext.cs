using LearningMechanics.Model.Graph;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol.Data;
using TorchSharp;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// What every experiment gets: the checked graph, the device, the job's seed, a progress sink (fraction within the
/// experiment) and the job's real data, if any.
/// </summary>
public sealed record ExperimentContext(ModelGraph Graph, torch.Device Device, int Seed, Action<double, string> Progress, DataSpec? Data = null)
{
    /// <summary><paramref name="samples"/> training samples: the job's data when it names some, else the synthetic task.</summary>
    public TrainingTask Task(long samples) =>
        Data is null ? TrainingTask.Create(Graph, samples, Seed, Device) : TrainingTask.FromData(Graph, Data, samples, Seed, Device);

    /// <summary>A freshly initialised network on the device; the init is a function of the seed alone.</summary>
    public GraphNetwork BuildNetwork()
    {
        torch.manual_seed(Seed);
        var network = NetworkBuilder.Build(Graph);
        network.to(Device);
        return network;
    }
}
