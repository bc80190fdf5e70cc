using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

internal sealed partial class OnnxGraphMapper
{
    /// <summary>ONNX nodes that together compute one model op; the op is emitted when the last of them is reached.</summary>
    private sealed record Fusion(ImmutableArray<int> Members, int Last, string Input, string Output, Op Op, string Description, TensorData? Weight = null, TensorData? Bias = null,
        Func<TensorShape, Op>? OpOfInput = null);

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
            return next.OpType == opType && IsStandard(next) && next.Output.Count > 0 ? list[0] : null;
        }
        List<int> ConsumersOf(NodeProto node) =>
            node.Output.Count > 0 && consumers.TryGetValue(node.Output[0], out var list) ? list : [];
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

        // The common tail of both GELU forms: inner (Erf or Tanh) → Add 1 → Mul x → Mul 0.5, or Mul(0.5 x, 1 + inner).
        void GeluTail(string input, ImmutableArray<int> head, int inner, string description)
        {
            if (SoleConsumer(nodes[inner], "Add") is not { } onePlus || !IsScalar(Other(nodes[onePlus], nodes[inner].Output[0]), 1)
                || SoleConsumer(nodes[onePlus], "Mul") is not { } product)
                return;
            var factor = Other(nodes[product], nodes[onePlus].Output[0]);
            if (factor == input && SoleConsumer(nodes[product], "Mul") is { } half && IsScalar(Other(nodes[half], nodes[product].Output[0]), 0.5))
            {
                Add(new Fusion([.. head, inner, onePlus, product, half], half, input, nodes[half].Output[0], new Activation(ActivationKind.GELU), description));
            }
            else if (factor is not null && producer.TryGetValue(factor, out var halfIdx) && nodes[halfIdx] is { OpType: "Mul" } halfNode
                && Other(halfNode, input) is { } halfConstant && IsScalar(halfConstant, 0.5) && SoleConsumer(halfNode, "Mul") == product)
            {
                Add(new Fusion([halfIdx, .. head, inner, onePlus, product], product, input, nodes[product].Output[0], new Activation(ActivationKind.GELU), description));
            }
        }

        // LayerNorm as exporters decompose it before opset 17 (Ba, Kiros and Hinton 2016, eq. 4):
        // d = x - ReduceMean(x); y = d / Sqrt(ReduceMean(Pow(d, 2)) + eps), then optionally y * gamma + beta.
        void LayerNormDecomposition(int meanIdx, NodeProto mean)
        {
            var x = mean.Input[0];
            if (SoleConsumer(mean, "Sub") is not { } subIdx || nodes[subIdx] is not { Input.Count: 2 } sub || sub.Input[0] != x || sub.Input[1] != mean.Output[0])
                return;
            var after = ConsumersOf(sub);
            var powIdx = after.Count == 2 ? after.FirstOrDefault(c => c >= 0 && nodes[c].OpType == "Pow", -1) : -1;
            if (powIdx < 0 || !IsScalar(nodes[powIdx].Input.ElementAtOrDefault(1), 2))
                return;
            var divIdx = after.First(c => c != powIdx);
            if (divIdx < 0 || nodes[divIdx] is not { OpType: "Div", Input.Count: 2, Output.Count: > 0 } div || div.Input[0] != sub.Output[0]
                || SoleConsumer(nodes[powIdx], "ReduceMean") is not { } varianceIdx || SoleConsumer(nodes[varianceIdx], "Add") is not { } epsIdx
                || Other(nodes[epsIdx], nodes[varianceIdx].Output[0]) is not { } epsName || Constant(epsName)?.Scalar is not { } eps
                || SoleConsumer(nodes[epsIdx], "Sqrt") is not { } sqrtIdx || SoleConsumer(nodes[sqrtIdx], "Div") != divIdx || div.Input[1] != nodes[sqrtIdx].Output[0])
                return;
            ImmutableArray<int> members = [meanIdx, subIdx, powIdx, varianceIdx, epsIdx, sqrtIdx, divIdx];
            var last = divIdx;
            ConstantValue? gamma = null, beta = null;
            if (SoleConsumer(div, "Mul") is { } mulIdx && Other(nodes[mulIdx], div.Output[0]) is { } gammaName && Constant(gammaName) is { Initializer: not null } g)
            {
                (gamma, members, last) = (g, members.Add(mulIdx), mulIdx);
                if (SoleConsumer(nodes[mulIdx], "Add") is { } addIdx && Other(nodes[addIdx], nodes[mulIdx].Output[0]) is { } betaName && Constant(betaName) is { Initializer: not null } b)
                    (beta, members, last) = (b, members.Add(addIdx), addIdx);
            }
            var axes = Ints(mean, "axes") is { Length: > 0 } a ? a : Vector(mean.Input.ElementAtOrDefault(1) ?? "") is { } v && v.All(e => e is not null) ? [.. v.Select(e => e!.Value)] : [];
            var (hasGamma, hasBeta) = (gamma is not null, beta is not null);
            Op OpOf(TensorShape input)
            {
                // Normalised over the trailing axes: gamma's shape, or the input's last |axes| dimensions.
                ImmutableArray<long> normalized = gamma is not null ? [.. gamma.Dims] : input.IsRankKnown && axes.Length > 0 && input.Dims.TakeLast(axes.Length).All(d => d is not null)
                    ? [.. input.Dims.TakeLast(axes.Length).Select(d => d!.Value)] : [];
                return new LayerNorm(normalized, hasGamma, hasBeta, eps);
            }
            Add(new Fusion(members, last, x, nodes[last].Output[0], new LayerNorm([.. gamma?.Dims ?? []], hasGamma, hasBeta, eps),
                $"LayerNorm (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div{(hasGamma ? "/Mul" : "")}{(hasBeta ? "/Add" : "")} fused)", OpOfInput: OpOf));
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
                    if (input is not null && SoleConsumer(scale, "Erf") is not null)
                        GeluTail(input, [scaleIdx], i, "GELU (Erf form fused)");
                    break;
                case "Tanh" when node.Input.Count == 1 && producer.TryGetValue(node.Input[0], out var outerIdx) && nodes[outerIdx] is { OpType: "Mul", Input.Count: 2 } outer:
                    // GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (Hendrycks and Gimpel 2016, eq. in §2).
                    var sumName = IsScalar(outer.Input[1], Math.Sqrt(2 / Math.PI)) ? outer.Input[0] : IsScalar(outer.Input[0], Math.Sqrt(2 / Math.PI)) ? outer.Input[1] : null;
                    if (sumName is null || !producer.TryGetValue(sumName, out var sumIdx) || nodes[sumIdx] is not { OpType: "Add", Input.Count: 2 } sum
                        || SoleConsumer(sum, "Mul") != outerIdx || SoleConsumer(outer, "Tanh") != i)
                        break;
                    foreach (var (xName, cubicName) in new[] { (sum.Input[0], sum.Input[1]), (sum.Input[1], sum.Input[0]) })
                    {
                        if (!producer.TryGetValue(cubicName, out var cubicIdx) || nodes[cubicIdx] is not { OpType: "Mul", Input.Count: 2 } cubic || SoleConsumer(cubic, "Add") != sumIdx)
                            continue;
                        var powName = IsScalar(cubic.Input[1], 0.044715) ? cubic.Input[0] : IsScalar(cubic.Input[0], 0.044715) ? cubic.Input[1] : null;
                        if (powName is not null && producer.TryGetValue(powName, out var powIdx) && nodes[powIdx] is { OpType: "Pow", Input.Count: 2 } pow
                            && pow.Input[0] == xName && IsScalar(pow.Input[1], 3) && SoleConsumer(pow, "Mul") == cubicIdx)
                        {
                            GeluTail(xName, [powIdx, cubicIdx, sumIdx, outerIdx], i, "GELU (tanh approximation fused)");
                            break;
                        }
                    }
                    break;
                case "ReduceMean" when node.Input.Count >= 1 && Constant(node.Input[0]) is null:
                    LayerNormDecomposition(i, node);
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
            id = Emit(fusion.OpOfInput?.Invoke(ShapeOf(from)) ?? fusion.Op, [from], NodeName(last, fusion.Last), fusion.Output);
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
