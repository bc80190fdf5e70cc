using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

internal sealed partial class Interpreter
{
    private static readonly Dictionary<string, ActivationKind> s_activations = new(StringComparer.Ordinal)
    {
        ["relu"] = ActivationKind.ReLU, ["relu_"] = ActivationKind.ReLU, ["relu6"] = ActivationKind.ReLU6,
        ["gelu"] = ActivationKind.GELU, ["gelu_"] = ActivationKind.GELU, ["silu"] = ActivationKind.SiLU, ["SiLU"] = ActivationKind.SiLU, ["silu_"] = ActivationKind.SiLU,
        ["tanh"] = ActivationKind.Tanh, ["tanh_"] = ActivationKind.Tanh, ["sigmoid"] = ActivationKind.Sigmoid, ["sigmoid_"] = ActivationKind.Sigmoid,
        ["softplus"] = ActivationKind.Softplus, ["mish"] = ActivationKind.Mish, ["Mish"] = ActivationKind.Mish, ["selu"] = ActivationKind.SELU, ["selu_"] = ActivationKind.SELU,
        ["hardtanh"] = ActivationKind.Hardtanh, ["Hardtanh"] = ActivationKind.Hardtanh,
        ["leaky_relu"] = ActivationKind.LeakyReLU, ["leaky_relu_"] = ActivationKind.LeakyReLU, ["elu"] = ActivationKind.ELU, ["elu_"] = ActivationKind.ELU,
        ["softmax"] = ActivationKind.Softmax, ["log_softmax"] = ActivationKind.LogSoftmax,
    };

    private static readonly HashSet<string> s_passThrough = new(StringComparer.Ordinal)
    {
        "to", "contiguous", "clone", "detach", "float", "@float", "type", "cuda", "cpu", "requires_grad_", "alias", "MoveToOuterDisposeScope", "MoveToOtherDisposeScope",
    };

    /// <summary>A functional op whose first argument is a tensor: <c>functional.relu(x)</c>, <c>torch.cat(...)</c>, <c>torch.flatten(x, 1)</c>.</summary>
    private Value TensorFunction(string name, InvocationExpressionSyntax invocation, List<Arg> args, Frame frame)
    {
        var restNames = RestParameters(name);
        var arguments = CallArguments.Bind(invocation.ArgumentList, null, restNames.Prepend("input").ToList());
        if (name == "cat" || name == "concat" || name == "concatenate")
        {
            var list = args.FirstOrDefault().Value as ListValue;
            var nodes = list?.Items.OfType<TensorValue>().Select(t => t.Node).ToArray() ?? [];
            if (nodes.Length == 0 || nodes.Length != list!.Items.Count)
                return Unknown("torch.cat of tensors the reader does not follow", invocation);
            var dim = arguments.Get("dim") is { } d && Values.TryLong(Eval(d, frame), out var dimValue) ? dimValue : 0;
            return Node(new Concat(dim), nodes, invocation, frame);
        }
        var input = (TensorValue)args[0].Value;
        return TensorOperation(name, input, args.Skip(1).Select(a => a.Value).ToList(), arguments, invocation, frame);
    }

    private Value TensorMethod(TensorValue tensor, string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame);
        var arguments = CallArguments.Bind(invocation.ArgumentList, null, RestParameters(name));
        return TensorOperation(name, tensor, args.Select(a => a.Value).ToList(), arguments, invocation, frame);
    }

    private static string[] RestParameters(string name) => name switch
    {
        "leaky_relu" or "leaky_relu_" => ["negative_slope"],
        "elu" or "elu_" => ["alpha"],
        "softmax" or "log_softmax" => ["dim"],
        "dropout" => ["p", "training"],
        "flatten" => ["start_dim", "end_dim"],
        "add" or "add_" => ["other", "alpha"],
        "cat" or "concat" => ["dim"],
        _ when name.Contains("adaptive", StringComparison.Ordinal) => ["output_size"],
        _ when name.Contains("pool", StringComparison.Ordinal) => ["kernel_size", "stride", "padding"],
        _ => [],
    };

    private Value TensorOperation(string name, TensorValue input, List<Value> rest, CallArguments arguments, InvocationExpressionSyntax invocation, Frame frame)
    {
        double Number(string parameter, double fallback) => arguments.Get(parameter) is { } e && Values.TryDouble(Eval(e, frame), out var d) ? d : fallback;

        if (s_passThrough.Contains(name))
            return input;
        if (s_activations.TryGetValue(name, out var kind))
        {
            var op = kind switch
            {
                ActivationKind.LeakyReLU => new Activation(kind, Number("negative_slope", 0.01)),
                ActivationKind.ELU => new Activation(kind, Number("alpha", 1.0)),
                ActivationKind.Softmax or ActivationKind.LogSoftmax => new Activation(kind, Dim: (long)Number("dim", -1)),
                _ => new Activation(kind),
            };
            return Node(op, [input.Node], invocation, frame);
        }
        switch (name)
        {
            case "dropout" or "dropout_" or "dropout1d" or "dropout2d" or "alpha_dropout":
                return Node(new Dropout(Number("p", 0.5)), [input.Node], invocation, frame);
            case "flatten":
                return Node(new Flatten((long)Number("start_dim", name == "flatten" && arguments.All.Count == 0 ? 0 : 1), (long)Number("end_dim", -1)), [input.Node], invocation, frame);
            case "view" or "reshape":
                var targetDims = rest.Count == 1 && rest[0] is ListValue l ? l.Items : rest;
                // The first dimension is the batch (-1 or x.shape[0]); the rest must be numbers, at most one -1.
                var sample = targetDims.Skip(1).Select(d => Values.TryLong(d, out var v) ? v : (long?)null).ToList();
                if (targetDims.Count >= 2 && sample.All(d => d is not null))
                {
                    var target = sample.Select(d => d!.Value).ToImmutableArray();
                    return Node(target is [-1] ? new Flatten(1, -1) : new Reshape(target), [input.Node], invocation, frame);
                }
                return Node(new TensorOp(name), [input.Node], invocation, frame);
            case "add" or "add_" or "sub" or "sub_":
                var other = rest.FirstOrDefault();
                if (other is TensorValue second)
                {
                    if (name.StartsWith("sub", StringComparison.Ordinal))
                        return Node(new TensorOp("sub"), [input.Node, second.Node], invocation, frame);
                    return Node(new Add(Number("alpha", 1.0)), [input.Node, second.Node], invocation, frame);
                }
                return input;
            case "mul" or "mul_" or "div" or "div_":
                if (rest.FirstOrDefault() is TensorValue factor)
                    return Node(new TensorOp(name.TrimEnd('_')), [input.Node, factor.Node], invocation, frame);
                return input;
        }
        if (name.Contains("pool", StringComparison.Ordinal) && (name.EndsWith("1d", StringComparison.Ordinal) || name.EndsWith("2d", StringComparison.Ordinal) || name.EndsWith("3d", StringComparison.Ordinal)))
        {
            var dims = name[^2] - '0';
            try
            {
                var poolArgs = new LayerArgs(this, frame, arguments, name);
                var pool = name.StartsWith("adaptive", StringComparison.Ordinal)
                    ? new Pool(name.Contains("max", StringComparison.Ordinal) ? PoolKind.AdaptiveMax : PoolKind.AdaptiveAvg, dims, [], [], [], poolArgs.Longs("output_size", dims, null))
                    : PoolOf(poolArgs, name.StartsWith("max", StringComparison.Ordinal) ? PoolKind.Max : PoolKind.Avg, dims);
                return Node(pool, [input.Node], invocation, frame);
            }
            catch (UnresolvedArgumentException unresolved)
            {
                return Node(new UnknownOp(name, unresolved.Reason), [input.Node], invocation, frame);
            }
        }
        return Node(new TensorOp(name), [input.Node], invocation, frame);
    }

    private static Pool PoolOf(LayerArgs a, PoolKind kind, int dims)
    {
        var kernel = a.Longs("kernel_size", dims, null);
        var stride = a.Raw("stride") is null or NullValue ? kernel : a.Longs("stride", dims, null);
        return new Pool(kind, dims, kernel, stride, a.Longs("padding", dims, 0));
    }

    private Value Node(Op op, int[] inputs, SyntaxNode site, Frame frame)
    {
        if (frame.Trace is not { } trace)
            return new UnknownValue("a tensor op outside forward");
        return new TensorValue(trace.Add(op, inputs, null, Context.Span(site)));
    }

    private Value TensorBinary(SyntaxKind kind, Value left, Value right, SyntaxNode site, Frame frame)
    {
        if (left is TensorValue a && right is TensorValue b)
        {
            return kind switch
            {
                SyntaxKind.AddExpression => Node(new Add(), [a.Node, b.Node], site, frame),
                SyntaxKind.SubtractExpression => Node(new TensorOp("sub"), [a.Node, b.Node], site, frame),
                SyntaxKind.MultiplyExpression => Node(new TensorOp("mul"), [a.Node, b.Node], site, frame),
                SyntaxKind.DivideExpression => Node(new TensorOp("div"), [a.Node, b.Node], site, frame),
                _ => Node(new TensorOp(kind.ToString()), [a.Node, b.Node], site, frame),
            };
        }
        // A tensor combined with a number keeps the tensor's node: scaling and shifting own no parameters.
        return left as TensorValue ?? right as TensorValue ?? (Value)Unknown("tensor arithmetic", site);
    }
}
