using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>
/// A TorchSharp network that runs a <see cref="ModelGraph"/> node by node in topological order. Ops with parameters
/// (or train/eval behaviour) are registered submodules; the rest are functions. Built only by <see cref="NetworkBuilder"/>,
/// after its shape checks, so no call here can hit a libtorch shape error.
/// </summary>
public sealed class GraphNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;
    private readonly ModelGraph _graph;
    private readonly int[] _moduleIdx;
    private readonly Func<Tensor, Tensor>?[] _functions;

    internal GraphNetwork(ModelGraph graph, nn.Module<Tensor, Tensor>?[] modules, Func<Tensor, Tensor>?[] functions) : base(graph.Name)
    {
        _graph = graph;
        _functions = functions;
        _moduleIdx = new int[graph.Nodes.Length];
        layers = new ModuleList<nn.Module<Tensor, Tensor>>();
        for (var nodeIdx = 0; nodeIdx < modules.Length; nodeIdx++)
        {
            _moduleIdx[nodeIdx] = -1;
            if (modules[nodeIdx] is { } module)
            {
                _moduleIdx[nodeIdx] = layers.Count;
                layers.Add(module);
            }
        }
        RegisterComponents();
    }

    public ModelGraph Graph => _graph;

    /// <summary>The module that implements a node, or null for function nodes (activations, Add, Flatten...).</summary>
    public nn.Module<Tensor, Tensor>? ModuleOf(int nodeId) => _moduleIdx[nodeId] >= 0 ? layers[_moduleIdx[nodeId]] : null;

    /// <summary>The weight (and bias) tensors of the weight nodes (Linear, Conv, Embedding), in graph order.</summary>
    public IEnumerable<WeightLayer> WeightLayers()
    {
        foreach (var node in _graph.Nodes)
        {
            if (node.Op.Fans is null || ModuleOf(node.Id) is not { } module)
                continue;
            Tensor? weight = null, bias = null;
            foreach (var (name, parameter) in module.named_parameters())
            {
                if (name == "weight" || name.EndsWith(".weight", StringComparison.Ordinal))
                    weight ??= parameter;
                else if (name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal))
                    bias ??= parameter;
            }
            if (weight is not null)
                yield return new WeightLayer(node, weight, bias);
        }
    }

    /// <summary>
    /// The trainable parameters of the nodes the output depends on. Autograd with respect to a tensor off that path is a
    /// libtorch error (an abort), so the Hessian and NTK experiments differentiate with respect to these only.
    /// </summary>
    public IList<Tensor> ParametersOnOutputPath()
    {
        var reachable = new bool[_graph.Nodes.Length];
        reachable[_graph.Output] = true;
        for (var nodeIdx = _graph.Output; nodeIdx >= 0; nodeIdx--)
        {
            if (!reachable[nodeIdx])
                continue;
            foreach (var input in _graph.Nodes[nodeIdx].Inputs)
                reachable[input] = true;
        }
        var result = new List<Tensor>();
        for (var nodeIdx = 0; nodeIdx < reachable.Length; nodeIdx++)
        {
            if (reachable[nodeIdx] && ModuleOf(nodeIdx) is { } module)
                result.AddRange(module.parameters().Where(p => p.requires_grad));
        }
        return result;
    }

    /// <summary>
    /// The mode for measurements at init: dropout active only when asked, BatchNorm always on batch statistics (its
    /// running statistics start at mean 0, variance 1, so eval mode would make it the identity; THEORY.md §4.2
    /// assumes batch statistics). Running statistics are updated as a side effect, which no measurement reads.
    /// </summary>
    public void SetMeasurementMode(bool dropoutActive)
    {
        train(dropoutActive);
        foreach (var node in _graph.Nodes)
        {
            if (node.Op is Model.Ops.BatchNorm && ModuleOf(node.Id) is { } module)
                module.train(true);
        }
    }

    public override Tensor forward(Tensor input) => ForwardAll(input)[_graph.Output];

    /// <summary>The output of every node, indexed by node id.</summary>
    public Tensor[] ForwardAll(Tensor input)
    {
        var outputs = new Tensor[_graph.Nodes.Length];
        foreach (var node in _graph.Nodes)
        {
            if (node.Op is Input)
            {
                outputs[node.Id] = input;
                continue;
            }
            var inputs = node.Inputs.Select(i => outputs[i]).ToArray();
            outputs[node.Id] = node.Op switch
            {
                Add add => Sum(inputs, add.BranchScale),
                Concat concat => torch.cat(inputs, concat.Dim),
                _ when ModuleOf(node.Id) is { } module => module.call(inputs[0]),
                _ => _functions[node.Id]!(inputs[0]), // NetworkBuilder gives every other node a function.
            };
        }
        return outputs;
    }

    private static Tensor Sum(Tensor[] inputs, double branchScale)
    {
        var result = inputs[0];
        for (var inputIdx = 1; inputIdx < inputs.Length; inputIdx++)
            result = branchScale == 1.0 ? result + inputs[inputIdx] : result + branchScale * inputs[inputIdx];
        return result;
    }
}
