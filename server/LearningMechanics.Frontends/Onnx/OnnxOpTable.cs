using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx.Proto;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// The one table from ONNX op types (https://onnx.ai/onnx/operators/, default domain) to model ops. Constants are folded
/// into the op (weights, biases, shapes, slopes); an op with no entry, or whose constants this table cannot read, becomes
/// an <see cref="UnknownOp"/> carrying its op type and the reason.
/// </summary>
internal sealed partial class OnnxGraphMapper
{
    private void MapNode(NodeProto node, int index)
    {
        var name = NodeName(node, index);
        if (node.OpType == "Constant" && IsStandard(node))
        {
            Record(node, index, null, "constant (folded into the ops that use it)");
            return;
        }
        if (FoldShape(node) is { } shape)
        {
            _values[node.Output[0]] = shape;
            Record(node, index, null, $"shape computation folded to [{string.Join(", ", shape.Elements.Select(e => e == ShapeValue.Batch ? "N" : e?.ToString() ?? "?"))}]");
            return;
        }
        foreach (var attribute in node.Attribute)
        {
            foreach (var subgraph in attribute.G is null ? attribute.Graphs : attribute.Graphs.Prepend(attribute.G))
                _subgraphs.Add(new OnnxSubgraphInfo(name, node.OpType, attribute.Name, subgraph.Node.Count));
        }
        var runtimeInputs = node.Input.Where(t => t.Length > 0 && _values.GetValueOrDefault(t) is not (ConstantValue or ShapeValue)).ToList();
        var inputIds = runtimeInputs.Select(Runtime).ToList();
        if (inputIds.Any(id => id is null))
        {
            var missing = runtimeInputs.Where((_, i) => inputIds[i] is null).First();
            _findings.Add(new Finding("onnx-missing-input", Severity.Warning, $"'{name}' ({node.OpType}) reads '{missing}', which no node or graph input produces", _span));
        }
        var inputs = inputIds.OfType<int>().ToList();
        if (node.OpType is "Identity" && IsStandard(node) && node.Input.Count == 1 && node.Output.Count == 1 && _values.TryGetValue(node.Input[0], out var aliased))
        {
            _values[node.Output[0]] = aliased;
            Record(node, index, aliased is RuntimeValue r ? r.NodeId : null, "Identity (alias of its input)");
            return;
        }
        var (op, mapping, binding) = IsStandard(node) ? MapStandard(node, inputs) : (null, null, null);
        if (op is null)
        {
            var reason = mapping ?? (IsStandard(node) ? $"ONNX op {node.OpType} has no mapping to the model graph" : $"op {node.OpType} of domain '{node.Domain}' has no mapping");
            op = new UnknownOp(node.OpType, reason);
            mapping = $"Unknown: {reason}";
            _unknownOps[node.OpType] = _unknownOps.GetValueOrDefault(node.OpType) + 1;
        }
        if (node.Output.Count == 0)
        {
            Record(node, index, null, "no outputs");
            return;
        }
        var id = Emit(op, inputs, name, node.Output[0]);
        // Secondary outputs (Dropout's mask, BatchNormalization's running statistics in training mode) alias the node.
        foreach (var extra in node.Output.Skip(1).Where(o => o.Length > 0))
            _values[extra] = new RuntimeValue(id);
        if (binding is not null)
            _bindings.Add(binding with { NodeId = id });
        Record(node, index, id, mapping!);
    }

    private (Op? Op, string? Mapping, WeightBinding? Binding) MapStandard(NodeProto node, List<int> inputs)
    {
        var input = inputs.Count > 0 ? ShapeOf(inputs[0]) : TensorShape.UnknownRank;
        var constants = node.Input.Select(t => t.Length > 0 ? Constant(t) : null).ToList();
        ConstantValue? Const(int i) => i < constants.Count ? constants[i] : null;
        switch (node.OpType)
        {
            case "Gemm":
                return MapGemm(node, Const(1), Const(2));
            case "MatMul" when Const(1) is { Dims.Length: 2, Initializer: { } weight } w && Const(0) is null:
                return (new Linear(w.Dims[0], w.Dims[1], HasBias: false), "Linear (MatMul by a stored matrix)", new WeightBinding(0, weight, null));
            case "MatMul":
                return (new TensorOp("MatMul"), "MatMul of two computed tensors (no weight of its own)", null);
            case "Conv" or "ConvTranspose":
                return MapConv(node, Const(1), Const(2), input);
            case "BatchNormalization" when Const(1) is { } scale:
                return (new BatchNorm(input.IsRankKnown ? Math.Max(input.Rank - 1, 0) : 2, scale.Elements, Affine: true, Eps: Float(node, "epsilon", 1e-5)),
                    "BatchNorm (running statistics stored as initializers)", null);
            case "LayerNormalization" when Const(1) is { } scale:
                var axis = Int(node, "axis", -1);
                var hasBias = Const(2) is not null;
                return (new LayerNorm([.. scale.Dims], ElementwiseAffine: true, hasBias, Float(node, "epsilon", 1e-5)),
                    $"LayerNorm (axis {axis})", null);
            case "Relu":
                return Activation(ActivationKind.ReLU);
            case "LeakyRelu":
                return (new Activation(ActivationKind.LeakyReLU, Float(node, "alpha", 0.01)), "LeakyReLU", null);
            case "PRelu" when Const(1)?.Scalar is { } slope:
                return (new Activation(ActivationKind.LeakyReLU, slope), "LeakyReLU (PRelu with one stored slope)", null);
            case "Elu":
                return (new Activation(ActivationKind.ELU, Float(node, "alpha", 1.0)), "ELU", null);
            case "Selu":
                return Activation(ActivationKind.SELU);
            case "Sigmoid":
                return Activation(ActivationKind.Sigmoid);
            case "Tanh":
                return Activation(ActivationKind.Tanh);
            case "Gelu":
                return Activation(ActivationKind.GELU);
            case "Softplus":
                return Activation(ActivationKind.Softplus);
            case "Mish":
                return Activation(ActivationKind.Mish);
            case "Softmax" or "LogSoftmax":
                var kind = node.OpType == "Softmax" ? ActivationKind.Softmax : ActivationKind.LogSoftmax;
                return (new Activation(kind, Dim: Int(node, "axis", Opset >= 13 ? -1 : 1)), kind.ToString(), null);
            case "Clip":
                var min = Const(1)?.Scalar ?? AttributeFloat(node, "min");
                var max = Const(2)?.Scalar ?? AttributeFloat(node, "max");
                return (min, max) switch
                {
                    (0, 6) => Activation(ActivationKind.ReLU6),
                    (0, null) => (new Activation(ActivationKind.ReLU), "ReLU (Clip at 0)", null),
                    (-1, 1) => (new Activation(ActivationKind.Hardtanh), "Hardtanh (Clip to [-1, 1])", null),
                    _ => (null, $"Clip to [{min?.ToString() ?? "-inf"}, {max?.ToString() ?? "inf"}] has no activation of its own", null),
                };
            case "Add" when inputs.Count >= 2:
                return (new Add(), "Add (residual or merge of two branches)", null);
            case "Add":
                return (new TensorOp("AddConstant", PreservesShape: true), "Add of a stored constant (a shift, no weight of its own)", null);
            case "Mul" when inputs.Count >= 2:
                return (new TensorOp("Mul", PreservesShape: true), "Mul of two computed tensors (gating)", null);
            case "Mul":
                return (new TensorOp("Mul", PreservesShape: true), $"Mul by a stored constant{(constants.FirstOrDefault(c => c?.Scalar is not null)?.Scalar is { } s ? $" {s:G4}" : "")}", null);
            case "Concat":
                return (new Concat(Int(node, "axis", 1)), "Concat", null);
            case "Flatten" when Int(node, "axis", 1) is var flattenAxis && (flattenAxis == 1 || input.IsRankKnown && flattenAxis == -input.Rank):
                return (new Flatten(1, -1), "Flatten (axis 1)", null);
            case "Flatten":
                return (null, $"Flatten at axis {Int(node, "axis", 1)} merges the batch dimension", null);
            case "Reshape":
                return MapReshape(node.Input.Count > 1 ? Vector(node.Input[1]) : null, input);
            case "Transpose":
                return MapTranspose(Ints(node, "perm"), input);
            case "MaxPool" or "AveragePool":
                return MapPool(node, node.OpType == "MaxPool" ? PoolKind.Max : PoolKind.Avg);
            case "GlobalAveragePool" or "GlobalMaxPool":
                var spatial = input.IsRankKnown ? Math.Max(input.Rank - 1, 1) : 2;
                return (new Pool(node.OpType == "GlobalMaxPool" ? PoolKind.AdaptiveMax : PoolKind.AdaptiveAvg, spatial, [], [], [], Conv.Repeat(1, spatial)),
                    node.OpType, null);
            case "Dropout":
                var ratio = Const(1)?.Scalar ?? AttributeFloat(node, "ratio") ?? 0.5;
                return (new Dropout(ratio), $"Dropout(p = {ratio:G3})", null);
        }
        return (null, null, null);
    }

    private static (Op?, string?, WeightBinding?) Activation(ActivationKind kind) => (new Activation(kind), kind.ToString(), null);

    private long Opset => _opset;

    private (Op?, string?, WeightBinding?) MapGemm(NodeProto node, ConstantValue? b, ConstantValue? c)
    {
        if (Int(node, "transA", 0) != 0)
            return (null, "Gemm with transA = 1 (the input transposed) is not a layer", null);
        if (b is not { Dims.Length: 2, Initializer: { } weight })
            return (null, "Gemm whose B is computed, not stored, has no weight to map", null);
        var transB = Int(node, "transB", 0) != 0;
        var (inFeatures, outFeatures) = transB ? (b.Dims[1], b.Dims[0]) : (b.Dims[0], b.Dims[1]);
        var alpha = Float(node, "alpha", 1.0);
        var beta = Float(node, "beta", 1.0);
        var bias = c?.Initializer;
        var description = $"Linear (Gemm{(transB ? ", transB" : "")}{(alpha != 1 ? $", alpha {alpha:G4}" : "")})";
        return (new Linear(inFeatures, outFeatures, c is not null), description, new WeightBinding(0, weight, bias, alpha, beta));
    }

    private (Op?, string?, WeightBinding?) MapConv(NodeProto node, ConstantValue? w, ConstantValue? b, TensorShape input)
    {
        if (w is not { Initializer: { } weight } || w.Dims.Length < 3)
            return (null, $"{node.OpType} whose weight is computed, not stored, has no weight to map", null);
        var transposed = node.OpType == "ConvTranspose";
        var spatial = w.Dims.Length - 2;
        var groups = Int(node, "group", 1);
        var kernel = Ints(node, "kernel_shape") is { Length: > 0 } k ? k : [.. w.Dims.Skip(2)];
        var stride = Ints(node, "strides") is { Length: > 0 } s ? s : Conv.Repeat(1, spatial);
        var dilation = Ints(node, "dilations") is { Length: > 0 } d ? d : Conv.Repeat(1, spatial);
        var pads = Ints(node, "pads") is { Length: > 0 } p ? p : Conv.Repeat(0, 2 * spatial);
        if (kernel.Length != spatial || stride.Length != spatial || dilation.Length != spatial || pads.Length != 2 * spatial)
            return (null, $"{node.OpType} attributes disagree with its {spatial}-d weight", null);
        if (kernel.Any(v => v <= 0) || stride.Any(v => v <= 0) || dilation.Any(v => v <= 0) || pads.Any(v => v < 0) || groups <= 0)
            return (null, $"{node.OpType} has a kernel, stride, dilation or group that is not positive, or a negative pad", null);
        var notes = new List<string>();
        var padding = Enumerable.Range(0, spatial).Select(i => (pads[i] + pads[i + spatial]) / 2).ToImmutableArray();
        if (Enumerable.Range(0, spatial).Any(i => pads[i] != pads[i + spatial]))
            notes.Add($"asymmetric pads [{string.Join(", ", pads)}] averaged");
        var autoPad = String(node, "auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER" && !transposed)
        {
            // out = ceil(in / stride): total padding = max((out - 1) stride + (k - 1) dilation + 1 - in, 0) (ONNX Conv, auto_pad).
            padding = Enumerable.Range(0, spatial).Select(i =>
            {
                if (input.IsRankKnown && input.Rank == spatial + 1 && input.Dims[i + 1] is long size)
                {
                    var outSize = (size + stride[i] - 1) / stride[i];
                    return Math.Max((outSize - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - size, 0) / 2;
                }
                return (kernel[i] - 1) * dilation[i] / 2;
            }).ToImmutableArray();
            notes.Add($"auto_pad {autoPad}");
        }
        var (inChannels, outChannels) = transposed ? (w.Dims[0], w.Dims[1] * groups) : (w.Dims[1] * groups, w.Dims[0]);
        var outputPadding = transposed && Ints(node, "output_padding") is { Length: > 0 } op ? op : default;
        var conv = new Conv(spatial, inChannels, outChannels, kernel, stride, padding, dilation, groups, b is not null, transposed, outputPadding);
        var description = conv.Kind + (notes.Count > 0 ? $" ({string.Join("; ", notes)})" : "");
        return (conv, description, new WeightBinding(0, weight, b?.Initializer));
    }

    /// <summary>Reshape to a stored shape or to one folded from shape arithmetic (<see cref="FoldShape"/>).</summary>
    private static (Op?, string?, WeightBinding?) MapReshape(ImmutableArray<long?>? shape, TensorShape input)
    {
        if (shape is not { Length: > 0 } target)
            return (new TensorOp("Reshape"), "Reshape to a computed shape (output shape unknown)", null);
        var text = string.Join(", ", target.Select(e => e == ShapeValue.Batch ? "N" : e?.ToString() ?? "?"));
        if (target.Skip(1).Any(e => e is null or ShapeValue.Batch))
            return (new TensorOp("Reshape"), $"Reshape [{text}]: a computed dimension is unknown or moves the batch", null);
        // ONNX Reshape: 0 copies the input's dimension, -1 is inferred; dimension 0 is the batch (N: the input's batch, from Shape).
        var batch = target[0] switch { ShapeValue.Batch => 0L, { } b => b, null => (long?)null };
        if (batch is null)
            return (new TensorOp("Reshape"), $"Reshape [{text}]: the batch dimension is computed and unknown", null);
        var dims = new List<long>();
        for (var i = 1; i < target.Length; i++)
        {
            var value = target[i]!.Value;
            if (value == 0)
            {
                if (input.IsRankKnown && i - 1 < input.Rank && input.Dims[i - 1] is long copied)
                    value = copied;
                else
                    return (new TensorOp("Reshape"), $"Reshape [{text}] copies a dimension whose size is unknown", null);
            }
            dims.Add(value);
        }
        if (batch is not (0 or -1) && dims.Contains(-1))
            return (new TensorOp("Reshape"), $"Reshape [{text}] changes the batch dimension", null);
        if (dims.Count == 0)
            return (new TensorOp("Reshape"), $"Reshape [{text}] removes the batch dimension", null);
        return (new Reshape([.. dims]), $"Reshape [{text}] (batch kept)", null);
    }

    /// <summary>
    /// A Transpose that keeps the batch first permutes each sample's dimensions; the model graph has no permutation op, and a
    /// permutation changes no per-sample statistic the theory uses, so it maps to a reshape to the permuted shape.
    /// </summary>
    private static (Op?, string?, WeightBinding?) MapTranspose(ImmutableArray<long> perm, TensorShape input)
    {
        var text = $"Transpose perm [{string.Join(", ", perm)}]";
        if (perm.Length == 0 || perm[0] != 0 || !input.IsRankKnown || perm.Length != input.Rank + 1
            || perm.Order().Select((p, i) => p == i).Any(ok => !ok) || input.Dims.Any(d => d is null))
            return (new TensorOp("Transpose"), $"{text} (output shape unknown: the batch moves or the input shape is unknown)", null);
        return (new Reshape([.. perm.Skip(1).Select(p => input.Dims[(int)p - 1]!.Value)]), $"{text} (batch kept; a permutation of each sample, mapped as a reshape to the permuted shape)", null);
    }

    private (Op?, string?, WeightBinding?) MapPool(NodeProto node, PoolKind kind)
    {
        var kernel = Ints(node, "kernel_shape");
        if (kernel.Length == 0)
            return (null, $"{node.OpType} without kernel_shape", null);
        var spatial = kernel.Length;
        var stride = Ints(node, "strides") is { Length: > 0 } s ? s : Conv.Repeat(1, spatial);
        var pads = Ints(node, "pads") is { Length: > 0 } p ? p : Conv.Repeat(0, 2 * spatial);
        if (stride.Length != spatial || pads.Length != 2 * spatial)
            return (null, $"{node.OpType} attributes disagree with its kernel", null);
        if (kernel.Any(v => v <= 0) || stride.Any(v => v <= 0) || pads.Any(v => v < 0))
            return (null, $"{node.OpType} has a kernel or stride that is not positive, or a negative pad", null);
        var padding = Enumerable.Range(0, spatial).Select(i => (pads[i] + pads[i + spatial]) / 2).ToImmutableArray();
        var ceil = Int(node, "ceil_mode", 0) != 0 ? " (ceil_mode: sizes may be one larger)" : "";
        return (new Pool(kind, spatial, kernel, stride, padding), node.OpType + ceil, null);
    }

    private static long Int(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static double Float(NodeProto node, string name, double fallback) => AttributeFloat(node, name) ?? fallback;

    private static double? AttributeFloat(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : null;

    private static string String(NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.S.ToStringUtf8() : fallback;

    private static ImmutableArray<long> Ints(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : [];
}
