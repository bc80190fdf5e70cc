using System.Collections.Immutable;
using LearningMechanics.Frontends.TorchSharp.Evaluation;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Frontends.TorchSharp.Recognizers;

/// <summary>
/// TorchSharp 0.107 layer constructors (<c>torch.nn.*</c>) the reader maps to ops. Parameter names and defaults follow
/// TorchSharp's signatures; the names are the fallback when the semantic model cannot bind the call.
/// </summary>
internal static class LayerCatalog
{
    /// <param name="UnambiguousPositional">How many leading positional arguments mean the same parameter in every overload;
    /// beyond that the reader binds the call with the semantic model (Conv's Padding overload reorders stride and padding).</param>
    public sealed record Entry(string Name, string[] Parameters, Func<LayerArgs, Op> Build, int UnambiguousPositional = int.MaxValue);

    private static readonly Dictionary<string, Entry> s_entries = Build().ToDictionary(e => e.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out Entry entry) => s_entries.TryGetValue(name, out entry!);

    public static IEnumerable<string> Names => s_entries.Keys;

    private static IEnumerable<Entry> Build()
    {
        yield return new("Linear", ["inputSize", "outputSize", "hasBias"],
            a => new Linear(a.Long("inputSize"), a.Long("outputSize"), a.Bool("hasBias", true)));
        yield return new("Identity", [], _ => new Activation(ActivationKind.Identity));

        foreach (var (name, kind) in new[]
                 {
                     ("ReLU", ActivationKind.ReLU), ("GELU", ActivationKind.GELU), ("SiLU", ActivationKind.SiLU),
                     ("Tanh", ActivationKind.Tanh), ("Sigmoid", ActivationKind.Sigmoid), ("SELU", ActivationKind.SELU),
                     ("Mish", ActivationKind.Mish), ("ReLU6", ActivationKind.ReLU6),
                 })
        {
            yield return new(name, ["inplace"], _ => new Activation(kind));
        }
        yield return new("Softplus", ["beta", "threshold"], a => a.Double("beta", 1) == 1 && a.Double("threshold", 20) == 20
            ? new Activation(ActivationKind.Softplus)
            : new OtherActivation("Softplus", $"beta {a.Double("beta", 1)}, threshold {a.Double("threshold", 20)}"));
        yield return new("Hardtanh", ["min_val", "max_val", "inplace"], a => a.Double("min_val", -1) == -1 && a.Double("max_val", 1) == 1
            ? new Activation(ActivationKind.Hardtanh)
            : new OtherActivation("Hardtanh", $"{a.Double("min_val", -1)}, {a.Double("max_val", 1)}"));
        foreach (var name in new[] { "Hardswish", "Hardsigmoid", "Softsign", "LogSigmoid", "Tanhshrink", "Softmax2d" })
            yield return new(name, ["inplace"], _ => new OtherActivation(name));
        yield return new("CELU", ["alpha", "inplace"], a => new OtherActivation("CELU", $"alpha {a.Double("alpha", 1)}"));
        yield return new("Softshrink", ["lambda"], a => new OtherActivation("Softshrink", $"lambda {a.Double("lambda", 0.5)}"));
        yield return new("Hardshrink", ["lambda"], a => new OtherActivation("Hardshrink", $"lambda {a.Double("lambda", 0.5)}"));
        yield return new("Threshold", ["threshold", "value", "inplace"], a => new OtherActivation("Threshold",
            $"{a.DoubleRequired("threshold")}, {a.DoubleRequired("value")}"));
        yield return new("RReLU", ["lower", "upper", "inplace"], a => new OtherActivation("RReLU", $"{a.Double("lower", 0.125)}, {a.Double("upper", 1.0 / 3)}"));
        yield return new("Softmin", ["dim"], a => new OtherActivation("Softmin", $"dim {a.Long("dim")}"));
        yield return new("PReLU", ["num_parameters", "init"], a => new PReLU(a.Long("num_parameters", 1), a.Double("init", 0.25)));
        yield return new("Bilinear", ["in1_features", "in2_features", "out_features", "hasBias"],
            a => new Bilinear(a.Long("in1_features"), a.Long("in2_features"), a.Long("out_features"), a.Bool("hasBias", true)));
        yield return new("Unflatten", ["dim", "unflattened_size"], a => new Unflatten(a.Long("dim"), a.LongList("unflattened_size")));
        yield return new("Upsample", ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"], a => new Upsample(
            a.Raw("size") is null or NullValue ? [] : a.LongList("size"),
            a.Raw("scale_factor") is null or NullValue ? [] : a.DoubleList("scale_factor"),
            a.EnumMember("mode") ?? "Nearest") is var up && up.Size.IsEmpty && up.ScaleFactor.IsEmpty
            ? throw new UnresolvedArgumentException("Upsample: neither size nor scale_factor is given", null)
            : up);
        yield return new("ZeroPad2d", ["padding"], a => new Pad("ZeroPad2d", a.Longs("padding", 4, null)));
        for (var d = 1; d <= 3; d++)
        {
            var sides = 2 * d;
            yield return new($"ConstantPad{d}d", ["padding", "value"], a => new Pad($"ConstantPad{sides / 2}d", a.Longs("padding", sides, null), a.DoubleRequired("value")));
            yield return new($"ReflectionPad{d}d", ["padding"], a => new Pad($"ReflectionPad{sides / 2}d", a.Longs("padding", sides, null)));
            yield return new($"ReplicationPad{d}d", ["padding"], a => new Pad($"ReplicationPad{sides / 2}d", a.Longs("padding", sides, null)));
            var dims = d;
            yield return new($"InstanceNorm{d}d", ["num_features", "eps", "momentum", "affine", "track_running_stats"],
                a => new InstanceNorm(dims, a.Long("num_features"), a.Bool("affine", false), a.Double("eps", 1e-5)));
        }
        yield return new("LeakyReLU", ["negative_slope", "inplace"], a => new Activation(ActivationKind.LeakyReLU, a.Double("negative_slope", 0.01)));
        yield return new("ELU", ["alpha", "inplace"], a => new Activation(ActivationKind.ELU, a.Double("alpha", 1.0)));
        yield return new("Softmax", ["dim"], a => new Activation(ActivationKind.Softmax, Dim: a.Long("dim")));
        yield return new("LogSoftmax", ["dim"], a => new Activation(ActivationKind.LogSoftmax, Dim: a.Long("dim")));

        foreach (var name in new[] { "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout" })
            yield return new(name, ["p", "inplace"], a => new Dropout(a.Double("p", 0.5)));

        yield return new("LayerNorm", ["normalized_shape", "eps", "elementwise_affine", "bias"], a => new LayerNorm(
            NormalizedShape(a), a.Bool("elementwise_affine", true), a.Bool("bias", true), a.Double("eps", 1e-5)));
        for (var d = 1; d <= 3; d++)
        {
            var dims = d;
            yield return new($"BatchNorm{d}d", ["num_features", "eps", "momentum", "affine", "track_running_stats"],
                a => new BatchNorm(dims, a.Long("num_features"), a.Bool("affine", true), a.Double("eps", 1e-5)));
            yield return new($"Conv{d}d", ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "padding_mode", "groups", "bias"],
                a => Convolution(a, dims, transposed: false), UnambiguousPositional: 3);
            yield return new($"ConvTranspose{d}d", ["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "dilation", "padding_mode", "groups", "bias"],
                a => Convolution(a, dims, transposed: true), UnambiguousPositional: 3);
            yield return new($"MaxPool{d}d", ["kernel_size", "stride", "padding", "dilation", "ceil_mode"], a => Pooling(a, PoolKind.Max, dims));
            yield return new($"AvgPool{d}d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], a => Pooling(a, PoolKind.Avg, dims));
            yield return new($"AdaptiveAvgPool{d}d", ["output_size"], a => Adaptive(a, PoolKind.AdaptiveAvg, dims));
            yield return new($"AdaptiveMaxPool{d}d", ["output_size"], a => Adaptive(a, PoolKind.AdaptiveMax, dims));
        }
        yield return new("Flatten", ["start_dim", "end_dim"], a => new Flatten(a.Long("start_dim", 1), a.Long("end_dim", -1)));
        yield return new("Embedding", ["num_embeddings", "embedding_dims", "padding_idx", "max_norm"],
            a => new Embedding(a.Long("num_embeddings"), a.LongEither("embedding_dims", "embedding_dim")));
        yield return new("EmbeddingBag", ["num_embeddings", "embedding_dims", "max_norm"],
            a => new EmbeddingBag(a.Long("num_embeddings"), a.LongEither("embedding_dims", "embedding_dim")));
        yield return new("GroupNorm", ["num_groups", "num_channels", "eps", "affine"],
            a => new GroupNorm(a.Long("num_groups"), a.Long("num_channels"), a.Bool("affine", true), a.Double("eps", 1e-5)));
        yield return new("RNN", ["inputSize", "hiddenSize", "numLayers", "nonLinearity", "bias", "batchFirst", "dropout", "bidirectional"],
            a => Recurrent(a, RecurrentKind.RNN));
        yield return new("LSTM", ["inputSize", "hiddenSize", "numLayers", "bias", "batchFirst", "dropout", "bidirectional"],
            a => Recurrent(a, RecurrentKind.LSTM));
        yield return new("GRU", ["inputSize", "hiddenSize", "numLayers", "bias", "batchFirst", "dropout", "bidirectional"],
            a => Recurrent(a, RecurrentKind.GRU));
        yield return new("MultiheadAttention", ["embedded_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim"],
            a => new MultiheadAttention(a.Long("embedded_dim"), a.Long("num_heads"), a.Bool("bias", true), a.Bool("add_bias_kv", false),
                a.Raw("kdim") is null or NullValue ? null : a.Long("kdim"), a.Raw("vdim") is null or NullValue ? null : a.Long("vdim"), a.Double("dropout", 0)));
        yield return new("TransformerEncoderLayer", ["d_model", "nhead", "dim_feedforward", "dropout", "activation"],
            a => new TransformerEncoderLayer(a.Long("d_model", 512), a.Long("nhead", 8), a.Long("dim_feedforward", 2048), a.Double("dropout", 0.1),
                a.EnumMember("activation") == "GELU" ? FeedForwardActivation.GELU : FeedForwardActivation.ReLU));
        yield return new("TransformerEncoder", ["encoder_layer", "num_layers"], a => a.Raw("encoder_layer") switch
        {
            LayerModule { Op: TransformerEncoderLayer layer } => new TransformerEncoder(layer, a.Long("num_layers")),
            LayerModule { Op: UnknownOp unknown } => throw new UnresolvedArgumentException($"TransformerEncoder: its encoder layer is not known ({unknown.Reason})", null),
            var other => throw new UnresolvedArgumentException($"TransformerEncoder: encoder_layer is not a TransformerEncoderLayer the reader knows ({(other is null ? "missing" : Values.Why(other))})", null),
        });
    }

    private static ImmutableArray<long> NormalizedShape(LayerArgs a)
    {
        var raw = a.Raw("normalized_shape");
        if (raw is ListValue or TupleValue)
            return a.Longs("normalized_shape", raw is ListValue l ? l.Items.Count : ((TupleValue)raw).Items.Length, null);
        return [a.Long("normalized_shape")];
    }

    private static Op Convolution(LayerArgs a, int dims, bool transposed)
    {
        var kernel = a.Longs("kernel_size", dims, null);
        var stride = a.Raw("stride") is EnumValue ? Conv.Repeat(1, dims) : a.Longs("stride", dims, 1);
        var dilation = a.Longs("dilation", dims, 1);
        ImmutableArray<long> padding;
        var paddingMode = a.EnumMember("padding") ?? (a.Raw("stride") is EnumValue { TypeName: "Padding" } misplaced ? misplaced.Member : null);
        if (paddingMode == "Valid")
            padding = Conv.Repeat(0, dims);
        else if (paddingMode == "Same")
            padding = kernel.Select((k, i) => dilation[i] * (k - 1) / 2).ToImmutableArray();
        else
            padding = a.Longs("padding", dims, 0);
        var outputPadding = transposed ? a.Longs("output_padding", dims, 0) : default;
        return new Conv(dims, a.Long("in_channels"), a.Long("out_channels"), kernel, stride, padding, dilation,
            a.Long("groups", 1), a.Bool("bias", true), transposed, outputPadding);
    }

    private static Op Pooling(LayerArgs a, PoolKind kind, int dims)
    {
        var kernel = a.Longs("kernel_size", dims, null);
        var stride = a.Raw("stride") is null or NullValue ? kernel : a.Longs("stride", dims, null);
        return new Pool(kind, dims, kernel, stride, a.Longs("padding", dims, 0));
    }

    private static Op Recurrent(LayerArgs a, RecurrentKind kind) =>
        new Recurrent(kind, a.Long("inputSize"), a.Long("hiddenSize"), a.Long("numLayers", 1), a.Bool("bias", true), a.Bool("bidirectional", false));

    private static Op Adaptive(LayerArgs a, PoolKind kind, int dims) =>
        new Pool(kind, dims, [], [], [], a.Longs("output_size", dims, null));

    private static long LongEither(this LayerArgs a, string name, string alternative) =>
        a.Has(name) || !a.Has(alternative) ? a.Long(name) : a.Long(alternative);
}
