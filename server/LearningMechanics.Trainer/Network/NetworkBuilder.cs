using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>
/// Builds a <see cref="GraphNetwork"/> from a model graph. <see cref="Check"/> runs first and must return no problems:
/// libtorch aborts the process on a shape error, so every shape rule TorchSharp would enforce is checked here in C#.
/// </summary>
public static class NetworkBuilder
{
    /// <summary>Everything that stops the graph from being built, each naming the node and op; empty when it can be built.</summary>
    public static ImmutableArray<string> Check(ModelGraph graph)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        if (graph.Nodes.IsDefaultOrEmpty || graph.Nodes[0].Op is not Input)
        {
            problems.Add("the graph has no Input node first");
            return problems.ToImmutable();
        }
        if (graph.Output < 0 || graph.Output >= graph.Nodes.Length)
            problems.Add($"output node {graph.Output} does not exist");
        var shapes = graph.InferShapes();
        foreach (var finding in shapes.Findings)
            problems.Add(finding.Message);
        foreach (var node in graph.Nodes)
        {
            var inputShapes = node.Inputs.Select(i => shapes.OutputOf(i)).ToImmutableArray();
            var problem = CheckNode(node, inputShapes, shapes.OutputOf(node.Id));
            if (problem is not null)
                problems.Add($"node {node.Id} '{node.Name}' ({node.Op.Kind}): {problem}");
        }
        return problems.ToImmutable();
    }

    /// <summary>Builds the network with the declared inits, on the CPU; call <see cref="Check"/> first.</summary>
    public static GraphNetwork Build(ModelGraph graph)
    {
        var modules = new nn.Module<Tensor, Tensor>?[graph.Nodes.Length];
        var functions = new Func<Tensor, Tensor>?[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
        {
            switch (node.Op)
            {
                case Input or Add or Concat:
                    break;
                case Activation activation:
                    functions[node.Id] = ActivationFunction(activation);
                    break;
                case Flatten flatten:
                    functions[node.Id] = x => x.flatten(flatten.StartDim, flatten.EndDim);
                    break;
                case Pool pool:
                    functions[node.Id] = PoolFunction(pool);
                    break;
                default:
                    modules[node.Id] = CreateModule(node.Op);
                    break;
            }
        }
        var network = new GraphNetwork(graph, modules, functions);
        using (torch.no_grad())
        {
            foreach (var layer in network.WeightLayers())
                Initializer.Apply(layer);
        }
        return network;
    }

    private static string? CheckNode(Node node, ImmutableArray<TensorShape> inputs, TensorShape output)
    {
        if (node.Op is Input input)
            return input.Shape.IsFullyKnown && input.Shape.Rank > 0 ? null : $"the input shape {input.Shape} must be fully known (batch excluded)";
        if (node.Inputs.IsEmpty)
            return "has no inputs";
        if (inputs.Any(s => !s.IsFullyKnown))
            return $"input shape {string.Join(", ", inputs)} is not fully known";
        if (node.Op is not (Add or Concat) && node.Inputs.Length != 1)
            return $"takes one input, has {node.Inputs.Length}";
        var x = inputs[0];
        switch (node.Op)
        {
            case UnknownOp unknown:
                return $"unsupported op: {unknown.Reason}";
            case Linear linear:
                return x.Last == linear.InFeatures ? null : $"expects {linear.InFeatures} input features, gets shape {x}";
            case Conv conv:
                if (conv.KernelSize.Length != conv.SpatialDims || conv.Stride.Length != conv.SpatialDims || conv.Padding.Length != conv.SpatialDims || conv.Dilation.Length != conv.SpatialDims)
                    return "kernel, stride, padding and dilation need one entry per spatial dimension";
                if (conv.SpatialDims is < 1 or > 3)
                    return "only 1d, 2d and 3d convolutions exist";
                if (conv.Stride.Any(s => s < 1) || conv.Dilation.Any(d => d < 1) || conv.Padding.Any(p => p < 0) || conv.KernelSize.Any(k => k < 1))
                    return "kernel, stride and dilation must be positive, padding non-negative";
                break;
            case BatchNorm batchNorm:
                var expectedRank = batchNorm.SpatialDims + 1;
                if (batchNorm.SpatialDims <= 1 ? x.Rank is not (1 or 2) : x.Rank != expectedRank)
                    return $"{batchNorm.Kind} cannot normalise an input of shape {x} (batch excluded)";
                if (x.Dims[0] != batchNorm.NumFeatures)
                    return $"expects {batchNorm.NumFeatures} channels, gets shape {x}";
                break;
            case LayerNorm:
                break;
            case Pool pool:
                if (pool.SpatialDims is < 1 or > 3)
                    return "only 1d, 2d and 3d pooling exist";
                if (pool.IsAdaptive)
                    return pool.OutputSize.IsDefault || pool.OutputSize.Length != pool.SpatialDims || pool.OutputSize.Any(o => o < 1) ? "adaptive pooling needs a positive output size per spatial dimension" : null;
                if (pool.KernelSize.Length != pool.SpatialDims || pool.Stride.Length != pool.SpatialDims || pool.Padding.Length != pool.SpatialDims)
                    return "kernel, stride and padding need one entry per spatial dimension";
                for (var dimIdx = 0; dimIdx < pool.SpatialDims; dimIdx++)
                {
                    if (pool.KernelSize[dimIdx] < 1 || pool.Stride[dimIdx] < 1)
                        return "kernel and stride must be positive";
                    if (pool.Padding[dimIdx] < 0 || 2 * pool.Padding[dimIdx] > pool.KernelSize[dimIdx])
                        return $"padding {pool.Padding[dimIdx]} must be at most half the kernel {pool.KernelSize[dimIdx]} (libtorch rule)";
                }
                break;
            case Flatten:
                break;
            case Dropout dropout:
                return 0 <= dropout.P && dropout.P < 1 ? null : $"dropout probability {dropout.P} must lie in [0, 1)";
            case Activation activation:
                if (activation.IsElementwise)
                    return null;
                var fullRank = x.Rank + 1;
                return -fullRank <= activation.Dim && activation.Dim < fullRank ? null : $"dimension {activation.Dim} out of range for shape {x}";
            case Add:
                return inputs.All(s => s.Equals(inputs[0])) ? null : $"adds tensors of different shapes {string.Join(" + ", inputs)}";
            case Concat concat:
                var axis = (int)(concat.Dim < 0 ? concat.Dim + x.Rank + 1 : concat.Dim);
                if (axis < 1 || axis > x.Rank)
                    return $"cannot concatenate along dimension {concat.Dim} (the batch is dimension 0)";
                for (var dimIdx = 0; dimIdx < x.Rank; dimIdx++)
                {
                    if (dimIdx + 1 != axis && inputs.Any(s => s.Rank != x.Rank || s.Dims[dimIdx] != x.Dims[dimIdx]))
                        return $"inputs {string.Join(", ", inputs)} differ outside dimension {concat.Dim}";
                }
                break;
            case Embedding:
                return node.Inputs is [0] ? null : "an Embedding is supported only directly on the model input (integer indices)";
            default:
                return $"the trainer cannot build {node.Op.GetType().Name} yet";
        }
        return output.IsFullyKnown ? null : $"output shape {output} is not fully known";
    }

    private static nn.Module<Tensor, Tensor> CreateModule(Op op) => op switch
    {
        Linear linear => nn.Linear(linear.InFeatures, linear.OutFeatures, linear.HasBias),
        Conv conv => ConvModule(conv),
        BatchNorm batchNorm => batchNorm.SpatialDims switch
        {
            0 or 1 => nn.BatchNorm1d(batchNorm.NumFeatures, batchNorm.Eps, affine: batchNorm.Affine),
            2 => nn.BatchNorm2d(batchNorm.NumFeatures, batchNorm.Eps, affine: batchNorm.Affine),
            _ => nn.BatchNorm3d(batchNorm.NumFeatures, batchNorm.Eps, affine: batchNorm.Affine),
        },
        LayerNorm layerNorm => nn.LayerNorm(layerNorm.NormalizedShape.ToArray(), layerNorm.Eps, layerNorm.ElementwiseAffine, layerNorm.HasBias),
        Dropout dropout => nn.Dropout(dropout.P),
        Embedding embedding => new EmbeddingModule(nn.Embedding(embedding.NumEmbeddings, embedding.EmbeddingDim)),
        _ => throw new ArgumentException($"no module for {op.Kind}; NetworkBuilder.Check should have said so"),
    };

    private static nn.Module<Tensor, Tensor> ConvModule(Conv conv)
    {
        var (k, s, p, d) = (conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation);
        var outputPadding = conv.OutputPadding.IsDefaultOrEmpty ? Conv.Repeat(0, conv.SpatialDims) : conv.OutputPadding;
        return (conv.SpatialDims, conv.Transposed) switch
        {
            (1, false) => nn.Conv1d(conv.InChannels, conv.OutChannels, k[0], s[0], p[0], d[0], groups: conv.Groups, bias: conv.HasBias),
            (2, false) => nn.Conv2d(conv.InChannels, conv.OutChannels, (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (d[0], d[1]), groups: conv.Groups, bias: conv.HasBias),
            (3, false) => nn.Conv3d(conv.InChannels, conv.OutChannels, (k[0], k[1], k[2]), (s[0], s[1], s[2]), (p[0], p[1], p[2]), (d[0], d[1], d[2]), groups: conv.Groups, bias: conv.HasBias),
            (1, true) => nn.ConvTranspose1d(conv.InChannels, conv.OutChannels, k[0], s[0], p[0], outputPadding[0], d[0], groups: conv.Groups, bias: conv.HasBias),
            (2, true) => nn.ConvTranspose2d(conv.InChannels, conv.OutChannels, (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (outputPadding[0], outputPadding[1]), (d[0], d[1]), groups: conv.Groups, bias: conv.HasBias),
            _ => nn.ConvTranspose3d(conv.InChannels, conv.OutChannels, (k[0], k[1], k[2]), (s[0], s[1], s[2]), (p[0], p[1], p[2]), (outputPadding[0], outputPadding[1], outputPadding[2]), (d[0], d[1], d[2]), groups: conv.Groups, bias: conv.HasBias),
        };
    }

    private static Func<Tensor, Tensor> ActivationFunction(Activation activation) => activation.Function switch
    {
        ActivationKind.Identity => x => x,
        ActivationKind.ReLU => x => nn.functional.relu(x),
        ActivationKind.LeakyReLU => x => nn.functional.leaky_relu(x, activation.Alpha),
        ActivationKind.ELU => x => nn.functional.elu(x, activation.Alpha == 0 ? 1.0 : activation.Alpha),
        ActivationKind.SELU => x => nn.functional.selu(x),
        ActivationKind.GELU => x => nn.functional.gelu(x),
        ActivationKind.SiLU => x => nn.functional.silu(x),
        ActivationKind.Tanh => x => torch.tanh(x),
        ActivationKind.Sigmoid => x => torch.sigmoid(x),
        ActivationKind.Softplus => x => nn.functional.softplus(x),
        ActivationKind.Mish => x => nn.functional.mish(x),
        ActivationKind.ReLU6 => x => nn.functional.relu6(x),
        ActivationKind.Hardtanh => x => nn.functional.hardtanh(x),
        ActivationKind.Softmax => x => nn.functional.softmax(x, activation.Dim),
        ActivationKind.LogSoftmax => x => nn.functional.log_softmax(x, activation.Dim),
        _ => throw new ArgumentException($"no function for activation {activation.Function}"),
    };

    private static Func<Tensor, Tensor> PoolFunction(Pool pool)
    {
        var k = pool.KernelSize.IsDefault ? [] : pool.KernelSize.ToArray();
        var s = pool.Stride.IsDefault ? [] : pool.Stride.ToArray();
        var p = pool.Padding.IsDefault ? [] : pool.Padding.ToArray();
        var o = pool.OutputSize.IsDefault ? [] : pool.OutputSize.ToArray();
        return (pool.Function, pool.SpatialDims) switch
        {
            (PoolKind.Max, 1) => x => nn.functional.max_pool1d(x, k[0], s[0], p[0]),
            (PoolKind.Max, 2) => x => nn.functional.max_pool2d(x, k, s, p),
            (PoolKind.Max, _) => x => nn.functional.max_pool3d(x, k, s, p),
            (PoolKind.Avg, 1) => x => nn.functional.avg_pool1d(x, k[0], s[0], p[0]),
            (PoolKind.Avg, 2) => x => nn.functional.avg_pool2d(x, k, s, p),
            (PoolKind.Avg, _) => x => nn.functional.avg_pool3d(x, k, s, p),
            (PoolKind.AdaptiveAvg, 1) => x => nn.functional.adaptive_avg_pool1d(x, o[0]),
            (PoolKind.AdaptiveAvg, 2) => x => nn.functional.adaptive_avg_pool2d(x, o),
            (PoolKind.AdaptiveAvg, _) => x => nn.functional.adaptive_avg_pool3d(x, o),
            (PoolKind.AdaptiveMax, 1) => x => nn.functional.adaptive_max_pool1d(x, o[0]),
            (PoolKind.AdaptiveMax, 2) => x => nn.functional.adaptive_max_pool2d(x, o),
            (_, _) => x => nn.functional.adaptive_max_pool3d(x, o),
        };
    }
}
