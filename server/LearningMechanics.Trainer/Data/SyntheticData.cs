using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Data;

/// <summary>
/// The default data of DESIGN.md: Gaussian inputs N(0, E[x^2]) matched to the input shape (E[x^2] from the Input op,
/// 1 by default), integer indices when the input feeds an Embedding. Seeded: the same (seed, stream) gives the same batch.
/// </summary>
public static class SyntheticData
{
    /// <summary>A batch [batch, input shape...]; <paramref name="stream"/> separates independent draws under one seed.</summary>
    public static Tensor Inputs(ModelGraph graph, long batch, int seed, int stream, Device device)
    {
        var input = (Input)graph.Nodes[0].Op;
        long[] shape = [batch, .. input.Shape.Dims.Select(d => d!.Value)];
        torch.manual_seed(Mix(seed, stream));
        var embedding = graph.Nodes.FirstOrDefault(n => n.Inputs is [0])?.Op as Embedding;
        if (embedding is not null)
            return torch.randint(0, embedding.NumEmbeddings, shape, ScalarType.Float32).to(device);
        var x = torch.randn(shape);
        if (input.SecondMoment != 1.0)
            x = x * Math.Sqrt(input.SecondMoment);
        return x.to(device);
    }

    /// <summary>A seeded standard-normal tensor of the given shape (probe vectors, teacher weights).</summary>
    public static Tensor Gaussian(long[] shape, int seed, int stream, Device device)
    {
        torch.manual_seed(Mix(seed, stream));
        return torch.randn(shape).to(device);
    }

    private static long Mix(int seed, int stream) => (long)seed * 1_000_003L + stream * 7919L + 17;
}
