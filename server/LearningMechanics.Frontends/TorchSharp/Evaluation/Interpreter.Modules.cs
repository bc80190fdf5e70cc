using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

internal sealed partial class Interpreter
{
    private Value InstanceCall(Value receiver, string name, InvocationExpressionSyntax invocation, LazySymbol symbol, Frame frame)
    {
        switch (receiver)
        {
            case ModuleValue module:
                return ModuleCall(module, name, invocation, frame);
            case TensorValue tensor:
                return TensorMethod(tensor, name, invocation, frame);
            case ParameterRefValue parameter:
                return ParameterMethod(parameter, name, invocation, frame);
            case ListValue list:
                return ListCall(list, name, invocation, frame);
            case DictValue dict:
                return DictCall(dict, name, invocation, frame);
            case LambdaValue or LocalFunctionValue when name is "Invoke":
                return CallFunction(receiver, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
            case StringValue s when name is "ToString":
                return s;
            case StringValue s when name is "ToLower" or "ToLowerInvariant":
                return new StringValue(s.Value.ToLowerInvariant());
            case StringValue s when name is "ToUpper" or "ToUpperInvariant":
                return new StringValue(s.Value.ToUpperInvariant());
            case NumberValue n when name is "ToString":
                return new StringValue(Text(n));
            case OptimizerValue or LossValue or NullValue or BoolValue:
                return NullValue.Instance;
        }
        return Unknown($"`.{name}(...)` on {receiver.Describe()} is not evaluated", invocation);
    }

    private Value ModuleCall(ModuleValue module, string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        switch (name)
        {
            case "forward" or "call" or "Invoke":
                return Apply(module, EvalArgs(invocation.ArgumentList, frame).Select(a => a.Value).ToList(), frame, invocation);
            case "parameters" or "named_parameters":
                return new ParametersValue(module);
            case "modules" or "named_modules":
                return new ListValue(module.SelfAndDescendants().Select(m => name == "modules" ? m : (Value)new TupleValue([new StringValue(m.LocalName ?? ""), m])));
            case "children" or "named_children":
                return new ListValue(module.Children().Select(m => name == "children" ? m : (Value)new TupleValue([new StringValue(m.LocalName ?? ""), m])));
            case "RegisterComponents" when module is UserModule user:
                user.RegisterComponentsCalled = true;
                return NullValue.Instance;
            case "register_module":
                var args = EvalArgs(invocation.ArgumentList, frame);
                if (args.Count >= 2 && args[1].Value is ModuleValue child)
                {
                    if (args[0].Value is StringValue childName)
                        child.LocalName = childName.Value;
                    if (module is UserModule owner)
                        owner.Extra.Add(child);
                    else if (module is ContainerModule registerContainer)
                        registerContainer.Items.Add(child);
                }
                return NullValue.Instance;
            case "append" or "Add" or "add_module" or "extend" or "insert" when module is ContainerModule container:
                var appended = EvalArgs(invocation.ArgumentList, frame);
                // append("name", module), ModuleDict.Add("key", module): the module keeps its name (looked up by key later).
                if (appended is [{ Value: StringValue key }, { Value: ModuleValue keyed }])
                {
                    AddToContainer(container, new TupleValue([key, keyed]), invocation);
                    return NullValue.Instance;
                }
                foreach (var arg in appended.Where(a => a.Value is not StringValue and not NumberValue))
                {
                    if (arg.Value is ListValue many)
                        many.Items.ForEach(item => AddToContainer(container, item, invocation));
                    else
                        AddToContainer(container, arg.Value, invocation);
                }
                return NullValue.Instance;
            case "apply":
                var function = EvalArgs(invocation.ArgumentList, frame).FirstOrDefault().Value;
                if (function is null)
                    return module;
                foreach (var descendant in module.SelfAndDescendants().Reverse().ToList())
                    CallFunction(function, [new Arg(null, descendant)], frame, invocation);
                return module;
            case "to" or "cuda" or "cpu" or "train" or "eval" or "@float" or "@double" or "half" or "requires_grad_" or "_to":
                return module;
            case "zero_grad" or "save" or "load" or "register_buffer" or "register_parameter" or "RegisterComponents" or "Dispose":
                return NullValue.Instance;
        }
        if (module is UserModule self && FindMethods(self.Declaration, name).FirstOrDefault() is { } method)
            return CallUser(method, self, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
        return Unknown($"`.{name}(...)` on {module.TypeName} is not evaluated", invocation);
    }

    /// <summary>Applies a module to symbolic inputs inside forward: adds its node(s) and returns the output tensor.</summary>
    public Value Apply(ModuleValue module, IReadOnlyList<Value> inputs, Frame frame, SyntaxNode site)
    {
        if (frame.Trace is not { } trace)
        {
            frame.Effects?.ForwardCalls.Add((module, Context.Span(site)));
            return new UnknownValue("a module applied outside forward");
        }
        if (frame.Depth + 1 > ReaderContext.DepthLimit)
            throw new EvaluationLimitException($"modules nested deeper than {ReaderContext.DepthLimit} at `{Short(site)}`");
        trace.Used.Add(module);
        switch (module)
        {
            case LayerModule layer:
                var tensors = inputs.OfType<TensorValue>().Select(t => t.Node).ToArray();
                if (tensors.Length == 0 && layer.Op.ParameterCount == 0)
                    return new UnknownValue($"the input of {layer.TypeName} is not a tensor the reader follows");
                if (tensors.Length == 0)
                {
                    // A layer with weights applied to a tensor forward does not derive from its inputs (an Embedding of
                    // torch.arange positions): its weights are real, so it becomes a separate model input, never dropped.
                    var name = layer.LocalName ?? layer.TypeName;
                    Context.Report("unresolved-value", Severity.Information,
                        $"the input of {layer.TypeName} '{name}' is not a tensor the reader follows; it is read as a separate model input", Context.Span(site));
                    tensors = [trace.Add(new Input(LearningMechanics.Model.Shapes.TensorShape.UnknownRank), [], Join(frame.Prefix, name + ".input"), Context.Span(site))];
                }
                var nodeInputs = layer.Op is Add or Concat or MultiheadAttention ? tensors.Distinct().ToArray() : layer.Op is Bilinear ? tensors.Take(2).ToArray() : [tensors[0]];
                var op = trace.Owners.TryGetValue(layer, out var owner) ? new SharedWeights(layer.Op, owner) : layer.Op;
                var id = trace.Add(op, nodeInputs, NodeName(frame, layer), layer.Span, layer);
                trace.Owners.TryAdd(layer, id);
                // Attention returns (output, weights) and recurrent layers (output, state): only the output is followed.
                return layer.Op is MultiheadAttention or Recurrent
                    ? new TupleValue([new TensorValue(id), new UnknownValue($"the second result of {layer.TypeName}")])
                    : new TensorValue(id);
            case ContainerModule container when container.IsSequential:
                return ApplySequence(container, container.Items, inputs, frame, Join(frame.Prefix, ContainerPath(frame, container)), site);
            case ContainerModule container:
                return new UnknownValue($"{container.TypeName} '{container.LocalName}' cannot be applied directly");
            case UserModule user:
                var prefix = Join(frame.Prefix, user.LocalName);
                if (user.SequentialBase is { } sequentialBase)
                {
                    trace.Used.Add(sequentialBase);
                    return ApplySequence(sequentialBase, sequentialBase.Items, inputs, frame, prefix, site);
                }
                var forward = FindMethods(user.Declaration, "forward").FirstOrDefault(m => m.ParameterList.Parameters.Count == inputs.Count)
                              ?? FindMethods(user.Declaration, "forward").FirstOrDefault();
                if (forward is null)
                    return new UnknownValue($"{user.TypeName} has no forward method in this document");
                var forwardFrame = new Frame(user.Declaration, user) { Trace = trace, Prefix = prefix, Depth = frame.Depth + 1 };
                BindParameters(forward.ParameterList, inputs.Select(v => new Arg(null, v)).ToList(), forwardFrame);
                return Run(forward.Body, forward.ExpressionBody, forwardFrame);
        }
        return new UnknownValue($"cannot apply {module.TypeName}");
    }

    private Value ApplySequence(ContainerModule container, IEnumerable<ModuleValue> items, IReadOnlyList<Value> inputs, Frame frame, string prefix, SyntaxNode site)
    {
        var value = inputs.FirstOrDefault() ?? new UnknownValue("no input");
        var childFrame = new Frame(frame.Type, frame.This, frame) { Trace = frame.Trace, Prefix = prefix, Depth = frame.Depth + 1, Container = container };
        foreach (var child in items.ToList())
            value = Apply(child, [value], childFrame, site);
        return value;
    }

    private static string Join(string prefix, string? name) =>
        string.IsNullOrEmpty(name) ? prefix : prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>A container's own name, relative to the frame (a nested Sequential applied by its parent is named by index).</summary>
    private static string? ContainerPath(Frame frame, ContainerModule container) =>
        container.LocalNameIsIndex && container.Container is { } parent && !ReferenceEquals(frame.Container, parent)
            ? Join(parent.LocalName ?? "", container.LocalName)
            : container.LocalName;

    private static string? NodeName(Frame frame, ModuleValue module)
    {
        var prefix = frame.Prefix;
        if (module.LocalNameIsIndex && module.Container is { } container && !ReferenceEquals(frame.Container, container))
            prefix = Join(prefix, ContainerPath(frame, container));
        if (module.LocalName is null)
            return prefix.Length == 0 ? null : prefix;
        if (prefix.Length == 0 && module.LocalNameIsIndex)
            return null;
        return Join(prefix, module.LocalName);
    }

    /// <summary><c>Sequential(...)</c>, <c>ModuleList(...)</c>, <c>ModuleDict(...)</c> from modules, named tuples or one list of either.</summary>
    public ContainerModule Container(string typeName, IReadOnlyList<Arg> args, SyntaxNode site, Frame frame)
    {
        var container = new ContainerModule(typeName, Context.Span(site));
        var items = args.Select(a => a.Value).ToList();
        if (items.Count == 1 && items[0] is ListValue list)
        {
            list.CopiedInto ??= (container, Context.Span(site));
            items = list.Items.ToList();
        }
        foreach (var item in items)
            AddToContainer(container, item, site);
        return container;
    }

    private void AddToContainer(ContainerModule container, Value item, SyntaxNode site)
    {
        var index = container.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (item)
        {
            case ModuleValue module:
                if (module.LocalName is null)
                {
                    module.LocalName = index;
                    module.LocalNameIsIndex = true;
                    module.Container = container;
                }
                container.Items.Add(module);
                break;
            case TupleValue { Items: [StringValue name, ModuleValue named] }:
                named.LocalName = name.Value;
                named.LocalNameIsIndex = false;
                container.Items.Add(named);
                break;
            case TupleValue { Items: [_, ModuleValue unnamed] }:
                unnamed.LocalName ??= index;
                container.Items.Add(unnamed);
                break;
            default:
                var reason = item switch
                {
                    UnknownValue u => u.Reason,
                    TupleValue { Items: [_, UnknownValue u] } => u.Reason,
                    _ => $"{item.Describe()} is not a module",
                };
                var span = item is UnknownValue { Span: { } s } ? s : Context.Span(site);
                Context.Report("unknown-layer", Severity.Warning, $"{container.TypeName} element is not understood: {reason}", span);
                container.Items.Add(new LayerModule("?", new UnknownOp("?", reason), span) { LocalName = index, LocalNameIsIndex = true });
                break;
        }
    }

    private Value ListCall(ListValue list, string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame);
        switch (name)
        {
            case "Add" or "Append" or "Push" or "Enqueue" or "AddLast":
                if (list.CopiedInto is { } copied && args.Any(a => a.Value is ModuleValue or TupleValue { Items: [_, ModuleValue] }))
                {
                    Context.Report("module-added-after-sequential", Severity.Warning,
                        $"this module is added to the list after {copied.Container.TypeName}(list) copied it (line {copied.Span.StartLine + 1}); it is not part of that {copied.Container.TypeName} and is never used",
                        Context.Span(invocation));
                }
                if (args.Count == 2)
                    list.Items.Add(new TupleValue([args[0].Value, args[1].Value]));
                else if (args.Count == 1)
                    list.Items.Add(args[0].Value);
                return name == "Append" ? new ListValue(list.Items) : NullValue.Instance;
            case "AddRange" when args.FirstOrDefault().Value is ListValue more:
                list.Items.AddRange(more.Items);
                return NullValue.Instance;
            case "Insert" when args.Count == 2 && Values.TryLong(args[0].Value, out var at) && 0 <= at && at <= list.Items.Count:
                list.Items.Insert((int)at, args[1].Value);
                return NullValue.Instance;
            case "Clear":
                list.Items.Clear();
                return NullValue.Instance;
            case "Count":
                return NumberValue.Of(list.Items.Count);
            case "ToArray" or "ToList" or "AsEnumerable" or "ToImmutableArray":
                return new ListValue(list.Items);
            case "Reverse" when args.Count == 0:
                return new ListValue(Enumerable.Reverse(list.Items));
            case "Concat" when args.FirstOrDefault().Value is ListValue tail:
                return new ListValue(list.Items.Concat(tail.Items));
            case "Select" when args.Count == 1:
                return new ListValue(list.Items.Select(item => CallFunction(args[0].Value, [new Arg(null, item)], frame, invocation)).ToList());
            case "Sum" when args.Count == 0 && list.Items.All(i => i is NumberValue):
                var numbers = list.Items.Cast<NumberValue>().ToList();
                return numbers.All(n => n.IsInteger) ? NumberValue.Of(numbers.Sum(n => n.Integer!.Value)) : NumberValue.Of(numbers.Sum(n => n.Double));
            case "Last" when args.Count == 0 && list.Items.Count > 0:
                return list.Items[^1];
            case "First" when args.Count == 0 && list.Items.Count > 0:
                return list.Items[0];
        }
        return Unknown($"`.{name}(...)` on a list is not evaluated", invocation);
    }

    private Value DictCall(DictValue dict, string name, InvocationExpressionSyntax invocation, Frame frame)
    {
        var args = EvalArgs(invocation.ArgumentList, frame);
        if (name is "Add" or "TryAdd" && args.Count == 2)
        {
            dict.Entries.Add(new(args[0].Value, args[1].Value));
            return NullValue.Instance;
        }
        if (name == "ContainsKey" && args.Count == 1)
            return new BoolValue(dict.Entries.Any(e => KeyEquals(e.Key, args[0].Value)));
        return Unknown($"`.{name}(...)` on a dictionary is not evaluated", invocation);
    }
}
