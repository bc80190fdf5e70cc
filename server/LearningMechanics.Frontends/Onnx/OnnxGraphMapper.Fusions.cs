using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

internal sealed partial class OnnxGraphMapper
{
    /// <summary>ONNX nodes that together compute one model op; the op is emitted when the last of them is reached.</summary>
    private sealed record Fusion(ImmutableArray<int> Members, int Last, string Input, string Output, Op Op, string Description, TensorData? Weight = null, TensorData? Bias = null);

    private Dictionary<int, Fusion> FindFusions(List<int> order)
    {
        var nodes = _graph.Nodes;
        var position = new int[nodes.Length];
        for (var i = 0; i < order.Count; i++)
            position[order[i]] = i;
        var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
            foreach (var input in nodes[i].Input)
                (consumers.TryGetValue(input, out var list) ? list : consumers[input] = []).Add(i);
        foreach (var output in _graph.Outputs)
            (consumers.TryGetValue(output.Name, out var list) ? list : consumers[output.Name] = []).Add(-1);
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
            foreach (var output in nodes[i].Output)
                producer.TryAdd(output, i);

        int? SoleConsumer(NodeProto node, string opType)
        {
            if (node.Output.Count == 0 || !consumers.TryGetValue(node.Output[0], out var list) || list.Count != 1 || list[0] < 0)
                return null;
            var next = nodes[list[0]];
            return next.OpType == opType && IsStandard(next) ? list[0] : null;
        }
        string? Other(NodeProto node, string known) =>
            node.Input.Count == 2 && node.Input[0] == known ? node.Input[1] : node.Input.Count == 2 && node.Input[1] == known ? node.Input[0] : null;
        bool IsScalar(string? tensor, double value) => tensor is not null && Constant(tensor)?.Scalar is { } v && Math.Abs(v - value) <= 1e-3 * Math.Abs(value);

        var result = new Dictionary<int, Fusion>();
        void Add(Fusion fusion)
        {
            if (fusion.Members.Any(result.ContainsKey))
                return;
            var last = fusion.Members.MaxBy(m => position[m]);
            foreach (var member in fusion.Members)
                result[member] = fusion with { Last = last };
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            if (!IsStandard(node) || node.Output.Count == 0)
                continue;
            switch (node.OpType)
            {
                case "MatMul" when node.Input.Count == 2 && Constant(node.Input[1]) is { Dims.Length: 2, Initializer: { } weight } w && Constant(node.Input[0]) is null:
                    if (SoleConsumer(node, "Add") is { } addIdx && Other(nodes[addIdx], node.Output[0]) is { } biasName
                        && Constant(biasName) is { Initializer: { } bias } b && b.Elements == w.Dims[1])
                    {
                        Add(new Fusion([i, addIdx], addIdx, node.Input[0], nodes[addIdx].Output[0], new Linear(w.Dims[0], w.Dims[1], true),
                            "Linear (MatMul + Add fused)", weight, bias));
                    }
                    break;
                case "Sigmoid" when node.Input.Count == 1:
                    var x = node.Input[0];
                    if (SoleConsumer(node, "Mul") is { } mulIdx && Other(nodes[mulIdx], node.Output[0]) == x)
                        Add(new Fusion([i, mulIdx], mulIdx, x, nodes[mulIdx].Output[0], new Activation(ActivationKind.SiLU), "SiLU (x * Sigmoid(x) fused)"));
                    break;
                case "Erf" when node.Input.Count == 1 && producer.TryGetValue(node.Input[0], out var scaleIdx):
                    // GELU(x) = 0.5 x (1 + erf(x / sqrt 2)) (Hendrycks and Gimpel 2016), as torch.onnx exports nn.GELU before opset 20.
                    var scale = nodes[scaleIdx];
                    string? input = scale.OpType switch
                    {
                        "Div" when IsScalar(scale.Input.ElementAtOrDefault(1), Math.Sqrt(2)) => scale.Input[0],
                        "Mul" when IsScalar(scale.Input.ElementAtOrDefault(1), 1 / Math.Sqrt(2)) => scale.Input[0],
                        "Mul" when IsScalar(scale.Input.ElementAtOrDefault(0), 1 / Math.Sqrt(2)) => scale.Input.ElementAtOrDefault(1),
                        _ => null,
                    };
                    if (input is null || SoleConsumer(scale, "Erf") is null || SoleConsumer(node, "Add") is not { } onePlus
                        || !IsScalar(Other(nodes[onePlus], node.Output[0]), 1) || SoleConsumer(nodes[onePlus], "Mul") is not { } product)
                        break;
                    var factor = Other(nodes[product], nodes[onePlus].Output[0]);
                    if (factor == input && SoleConsumer(nodes[product], "Mul") is { } half && IsScalar(Other(nodes[half], nodes[product].Output[0]), 0.5))
                    {
                        Add(new Fusion([scaleIdx, i, onePlus, product, half], half, input, nodes[half].Output[0], new Activation(ActivationKind.GELU), "GELU (Erf form fused)"));
                    }
                    else if (factor is not null && producer.TryGetValue(factor, out var halfIdx) && nodes[halfIdx] is { OpType: "Mul" } halfNode
                        && Other(halfNode, input) is { } halfConstant && IsScalar(halfConstant, 0.5) && SoleConsumer(halfNode, "Mul") == product)
                    {
                        Add(new Fusion([halfIdx, scaleIdx, i, onePlus, product], product, input, nodes[product].Output[0], new Activation(ActivationKind.GELU), "GELU (Erf form fused)"));
                    }
                    break;
            }
        }
        return result;
    }

    private void EmitFusion(Fusion fusion)
    {
        var nodes = _graph.Nodes;
        var input = Runtime(fusion.Input);
        var last = nodes[fusion.Last];
        int? id = null;
        if (input is { } from)
        {
            id = Emit(fusion.Op, [from], NodeName(last, fusion.Last), fusion.Output);
            if (fusion.Weight is { } weight)
                _bindings.Add(new WeightBinding(id.Value, weight, fusion.Bias));
        }
        else
        {
            _findings.Add(new Finding("onnx-missing-input", Severity.Warning, $"'{NodeName(last, fusion.Last)}' reads '{fusion.Input}', which no node or graph input produces", _span));
        }
        foreach (var member in fusion.Members)
            Record(nodes[member], member, id, fusion.Description);
    }
}
