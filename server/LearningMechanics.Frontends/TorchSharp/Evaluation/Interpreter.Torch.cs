using System.Collections.Immutable;
using LearningMechanics.Frontends.TorchSharp.Recognizers;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

internal sealed partial class Interpreter
{
    /// <summary>A static call: TorchSharp constructors, functional ops, init, optimizers, losses, schedulers and a few BCL helpers.</summary>
    private Value TorchCall(ExpressionSyntax? qualifier, string name, InvocationExpressionSyntax invocation, LazySymbol symbol, Frame frame)
    {
        var qualifierText = qualifier?.ToString() ?? "";

        switch (name)
        {
            case "Sequential" or "ModuleList" or "ModuleDict":
                return Container(name, EvalArgs(invocation.ArgumentList, frame), invocation, frame);
        }
        if (qualifierText is "Math" or "MathF" or "System.Math")
            return MathCall(name, invocation, frame);
        if (qualifierText is "Enumerable" or "System.Linq.Enumerable")
            return EnumerableCall(name, invocation, frame);

        // Optimizer, loss, scheduler and init overloads share their parameter names and order, so the table maps
        // positional arguments exactly without binding.
        if (TrainingCatalog.Optimizers.TryGetValue(name, out var optimizer) && (qualifierText.EndsWith("optim", StringComparison.Ordinal) || qualifier is null))
            return Optimizer(name, optimizer, invocation, null, frame);
        if (TrainingCatalog.Losses.TryGetValue(name, out var loss))
            return Loss(name, loss, invocation, null, frame);
        if (TrainingCatalog.Schedulers.Contains(name))
            return Scheduler(name, invocation, null, frame);
        if (InitCatalog.IsInit(name))
            return Init(name, invocation, null, frame);

        var args = EvalArgs(invocation.ArgumentList, frame);
        if (args.FirstOrDefault().Value is TensorValue || (name == "cat" && args.FirstOrDefault().Value is ListValue))
            return TensorFunction(name, invocation, args, frame);

        if (LayerCatalog.TryGet(name, out var entry))
        {
            // Overloads whose positional order differs (Conv with a Padding enum) need the bound overload.
            var positional = invocation.ArgumentList.Arguments.Count(a => a.NameColon is null);
            var bound = positional > entry.UnambiguousPositional && symbol.Value is { } s && IsTorchSharp(s) ? s : null;
            return Layer(entry, invocation, bound, frame);
        }

        if (name is "clip_grad_norm_" or "clip_grad_value_" or "manual_seed" or "set_num_threads" or "NewDisposeScope" or "no_grad" or "enable_grad")
            return NullValue.Instance;

        // Not a name the reader knows: ask the semantic model what it is.
        var method = symbol.Value;
        if (method is not null && DeclaredMethod(method.OriginalDefinition) is { } declared)
            return CallUser(declared, null, args, frame, invocation);
        var looksLikeLayer = method is not null
            ? IsTorchSharp(method) && method.ContainingType?.Name == "nn" && method.ReturnType.Name != "Tensor"
            : char.IsUpper(name[0]) && (qualifier is null || qualifierText.EndsWith("nn", StringComparison.Ordinal));
        if (looksLikeLayer)
        {
            var span = Context.Span(invocation);
            var reason = $"layer type '{name}' is not modelled by the TorchSharp reader";
            Context.Report("unknown-layer", Severity.Warning, reason + "; its parameters are not counted", span);
            return new LayerModule(name, new UnknownOp(name, reason), span);
        }
        return Unknown($"call to '{(qualifier is null ? "" : qualifierText + ".")}{name}' is not evaluated", invocation);
    }

    private static bool IsTorchSharp(ISymbol symbol) =>
        symbol.ContainingAssembly?.Name == "TorchSharp";

    private Value Layer(LayerCatalog.Entry entry, InvocationExpressionSyntax invocation, IMethodSymbol? symbol, Frame frame)
    {
        var span = Context.Span(invocation);
        var arguments = CallArguments.Bind(invocation.ArgumentList, symbol, entry.Parameters);
        try
        {
            var op = entry.Build(new LayerArgs(this, frame, arguments, entry.Name));
            return new LayerModule(entry.Name, op, span);
        }
        catch (UnresolvedArgumentException unresolved)
        {
            Context.Report("unresolved-value", Severity.Warning, unresolved.Reason + "; the layer's size and parameters are unknown", unresolved.Span ?? span);
            return new LayerModule(entry.Name, new UnknownOp(entry.Name, unresolved.Reason), span);
        }
    }

    private Value MathCall(string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame).Select(a => a.Value).ToList();
        if (!args.All(a => a is NumberValue))
            return Unknown($"Math.{name} of unknown values", invocation);
        var numbers = args.Cast<NumberValue>().ToList();
        var integral = numbers.All(n => n.IsInteger);
        return (name, numbers.Count) switch
        {
            ("Sqrt", 1) => NumberValue.Of(Math.Sqrt(numbers[0].Double)),
            ("Pow", 2) => NumberValue.Of(Math.Pow(numbers[0].Double, numbers[1].Double)),
            ("Exp", 1) => NumberValue.Of(Math.Exp(numbers[0].Double)),
            ("Log", 1) => NumberValue.Of(Math.Log(numbers[0].Double)),
            ("Abs", 1) => integral ? NumberValue.Of(Math.Abs(numbers[0].Integer!.Value)) : NumberValue.Of(Math.Abs(numbers[0].Double)),
            ("Max", 2) => integral ? NumberValue.Of(Math.Max(numbers[0].Integer!.Value, numbers[1].Integer!.Value)) : NumberValue.Of(Math.Max(numbers[0].Double, numbers[1].Double)),
            ("Min", 2) => integral ? NumberValue.Of(Math.Min(numbers[0].Integer!.Value, numbers[1].Integer!.Value)) : NumberValue.Of(Math.Min(numbers[0].Double, numbers[1].Double)),
            ("Floor", 1) => NumberValue.Of(Math.Floor(numbers[0].Double)),
            ("Ceiling", 1) => NumberValue.Of(Math.Ceiling(numbers[0].Double)),
            ("Round", 1) => NumberValue.Of(Math.Round(numbers[0].Double)),
            _ => Unknown($"Math.{name}", invocation),
        };
    }

    private Value EnumerableCall(string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame).Select(a => a.Value).ToList();
        if (name == "Range" && args.Count == 2 && Values.TryLong(args[0], out var start) && Values.TryLong(args[1], out var count) && 0 <= count && count <= 100_000)
            return new ListValue(Enumerable.Range(0, (int)count).Select(i => (Value)NumberValue.Of(start + i)));
        if (name == "Repeat" && args.Count == 2 && Values.TryLong(args[1], out var times) && 0 <= times && times <= 100_000)
            return new ListValue(Enumerable.Repeat(args[0], (int)times));
        return Unknown($"Enumerable.{name}", invocation);
    }

    /// <summary>Source description of a value for <see cref="Fact{T}.Source"/>: which local, constant or field it came from.</summary>
    private static string? SourceOf(ExpressionSyntax expression, Frame frame) => expression switch
    {
        IdentifierNameSyntax identifier => $"{frame.KindOf(identifier.Identifier.ValueText)} {identifier.Identifier.ValueText}",
        LiteralExpressionSyntax => null,
        PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax } => null,
        _ => $"`{Short(expression)}`",
    };

    private Fact<double> RateFact(ExpressionSyntax? expression, double? fallback, string optimizer, Frame frame, SyntaxNode site)
    {
        if (expression is null)
        {
            return fallback is double d
                ? Fact<double>.Known(d, null, $"{optimizer} default")
                : Fact<double>.Unknown($"{optimizer} is called without a learning rate", Context.Span(site));
        }
        var value = Eval(expression, frame);
        return Values.TryDouble(value, out var rate)
            ? Fact<double>.Known(rate, Context.Span(expression), SourceOf(expression, frame))
            : Fact<double>.Unknown($"learning rate `{Short(expression)}` is not known ({Values.Why(value)})", Context.Span(expression));
    }

    private double Number(CallArguments arguments, Frame frame, double fallback, params string[] names) =>
        arguments.Get(names) is { } e && Values.TryDouble(Eval(e, frame), out var d) ? d : fallback;

    private Value Optimizer(string name, TrainingCatalog.OptimizerEntry entry, InvocationExpressionSyntax invocation, IMethodSymbol? symbol, Frame frame)
    {
        var arguments = CallArguments.Bind(invocation.ArgumentList, symbol, entry.Parameters);
        var target = arguments.Get("parameters", "named_parameters") is { } p ? Eval(p, frame) : NullValue.Instance;
        var groups = target is ListValue { Items.Count: > 0 } list && list.Items.All(i => i is ParamGroupValue)
            ? list.Items.Cast<ParamGroupValue>().ToList()
            : null;
        var owner = target switch
        {
            ParametersValue parameters => parameters.Owner,
            _ => groups?.Select(g => (g.Parameters as ParametersValue)?.Owner).FirstOrDefault(o => o is not null),
        };
        var rate = RateFact(arguments.Get("learningRate", "lr"), entry.DefaultRate, name, frame, invocation);
        var groupSpecs = ImmutableArray<ParamGroupSpec>.Empty;
        if (groups is not null)
        {
            groupSpecs = groups.Select(g => new ParamGroupSpec(g.RateExpression is { } e ? RateFact(e, null, name, frame, invocation)
                : g.Rate is { } r && Values.TryDouble(r, out var d) ? Fact<double>.Known(d, g.GroupSpan, $"{name}.ParamGroup default")
                : rate, g.GroupSpan)).ToImmutableArray();
            rate = groupSpecs.FirstOrDefault(g => !g.LearningRate.IsKnown) is { } unknown
                ? Fact<double>.Unknown($"the rate of a parameter group is not known ({unknown.LearningRate.Reason})", unknown.LearningRate.Span ?? unknown.Span)
                : groupSpecs.MaxBy(g => g.LearningRate.Value)!.LearningRate is var top
                    ? Fact<double>.Known(top.Value, top.Span, $"largest of {groupSpecs.Length} parameter groups") : rate;
        }
        var momentumArg = arguments.Get("momentum");
        var spec = new OptimizerSpec(
            entry.Kind,
            rate,
            Context.Span(invocation),
            Momentum: Number(arguments, frame, 0, "momentum"),
            Nesterov: arguments.Get("nesterov") is { } n && Eval(n, frame) is BoolValue { Value: true },
            WeightDecay: Number(arguments, frame, 0, "weight_decay"),
            Beta1: Number(arguments, frame, 0.9, "beta1"),
            Beta2: Number(arguments, frame, 0.999, "beta2"),
            TypeName: name) { Groups = groupSpecs };
        if (momentumArg is not null && !Values.TryDouble(Eval(momentumArg, frame), out _))
            Context.Report("unresolved-value", Severity.Information, $"momentum `{Short(momentumArg)}` is not known; assumed 0", Context.Span(momentumArg));
        frame.Effects?.Optimizers.Add((spec, owner, Context.Span(invocation)));
        return new OptimizerValue(spec, owner);
    }

    private Value Loss(string name, LossKind kind, InvocationExpressionSyntax invocation, IMethodSymbol? symbol, Frame frame)
    {
        var arguments = CallArguments.Bind(invocation.ArgumentList, symbol, TrainingCatalog.LossParameters(name));
        var reduction = arguments.Get("reduction") is { } r ? Eval(r, frame) : null;
        var spec = new LossSpec(kind, reduction switch
        {
            EnumValue { Member: "Sum" } => LossReduction.Sum,
            EnumValue { Member: "None" } => LossReduction.None,
            _ => LossReduction.Mean,
        }, Context.Span(invocation), name);
        frame.Effects?.Losses.Add(spec);
        return new LossValue(spec);
    }

    private Value Scheduler(string name, InvocationExpressionSyntax invocation, IMethodSymbol? symbol, Frame frame)
    {
        var arguments = CallArguments.Bind(invocation.ArgumentList, symbol, TrainingCatalog.SchedulerParameters(name));
        var optimizer = arguments.Get("optimizer") is { } o ? Eval(o, frame) as OptimizerValue : null;
        Fact<double> peak;
        if (name == "OneCycleLR")
        {
            var maxExpression = arguments.Get("max_lr");
            var value = maxExpression is null ? new UnknownValue("max_lr is missing") : Eval(maxExpression, frame);
            if (value is ListValue list && list.Items.Count > 0 && list.Items.All(i => i is NumberValue))
                value = NumberValue.Of(list.Items.Cast<NumberValue>().Max(n => n.Double));
            peak = Values.TryDouble(value, out var max)
                ? Fact<double>.Known(max, maxExpression is null ? null : Context.Span(maxExpression), maxExpression is null ? null : SourceOf(maxExpression, frame))
                : Fact<double>.Unknown($"OneCycleLR max_lr is not known ({Values.Why(value)})", maxExpression is null ? Context.Span(invocation) : Context.Span(maxExpression));
        }
        else
        {
            // The other schedules only ever lower the rate: their peak is the optimizer's own rate.
            peak = optimizer?.Spec.LearningRate ?? Fact<double>.Unknown("the scheduler's optimizer is not known", Context.Span(invocation));
        }
        var spec = new ScheduleSpec(name, peak, Context.Span(invocation));
        frame.Effects?.Schedules.Add((spec, optimizer));
        return NullValue.Instance;
    }

    private Value Init(string name, InvocationExpressionSyntax invocation, IMethodSymbol? symbol, Frame frame)
    {
        var arguments = CallArguments.Bind(invocation.ArgumentList, symbol, InitCatalog.Parameters(name));
        var target = arguments.Get("tensor") is { } t ? Eval(t, frame) : NullValue.Instance;
        if (target is not ParameterRefValue parameter)
        {
            if (target is UnknownValue unknown)
                Context.Report("unresolved-value", Severity.Information, $"{name}: the tensor is not known ({unknown.Reason}); the init is ignored", Context.Span(invocation));
            return target;
        }
        var spec = InitCatalog.Build(name, arguments, e => Eval(e, frame));
        if (spec is null)
        {
            Context.Report("unresolved-value", Severity.Information, $"{name}: arguments are not known; the init is ignored", Context.Span(invocation));
            return parameter;
        }
        Assign(parameter, spec with { Span = Context.Span(invocation) });
        return parameter;
    }

    private static void Assign(ParameterRefValue parameter, InitSpec spec)
    {
        if (parameter.Tensor == "weight")
            parameter.Owner.WeightInit = spec;
        else
            parameter.Owner.BiasInit = spec;
    }

    private Value ParameterMethod(ParameterRefValue parameter, string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame).Select(a => a.Value).ToList();
        double Arg(int i, double fallback) => i < args.Count && Values.TryDouble(args[i], out var d) ? d : fallback;
        InitSpec? spec = name switch
        {
            "normal_" => new NormalInit(Arg(0, 0), Arg(1, 1)),
            "uniform_" => new UniformInit(Arg(0, 0), Arg(1, 1)),
            "zero_" => new ConstantInit(0),
            "fill_" when args.Count == 1 && Values.TryDouble(args[0], out var v) => new ConstantInit(v),
            _ => null,
        };
        if (spec is not null)
            Assign(parameter, spec with { Span = Context.Span(invocation) });
        return parameter;
    }
}
