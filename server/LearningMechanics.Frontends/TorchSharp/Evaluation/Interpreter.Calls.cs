using System.Collections.Immutable;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>An evaluated argument: its name when written as <c>name: value</c>.</summary>
internal readonly record struct Arg(string? Name, Value Value);

internal sealed partial class Interpreter
{
    private Value Invoke(InvocationExpressionSyntax invocation, Frame frame)
    {
        string name;
        ExpressionSyntax? receiverExpression = null;
        switch (invocation.Expression)
        {
            case IdentifierNameSyntax identifier:
                name = identifier.Identifier.ValueText;
                break;
            case GenericNameSyntax generic:
                name = generic.Identifier.ValueText;
                break;
            case MemberAccessExpressionSyntax member:
                name = member.Name.Identifier.ValueText;
                receiverExpression = member.Expression;
                break;
            default:
                var callee = Eval(invocation.Expression, frame);
                return CallFunction(callee, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
        }

        if (name.Length == 0)
            return Unknown("incomplete call", invocation);
        if (name == "nameof" && receiverExpression is null)
        {
            var argument = invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression;
            return new StringValue(argument switch
            {
                MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                SimpleNameSyntax s => s.Identifier.ValueText,
                _ => argument?.ToString() ?? "",
            });
        }

        // The semantic model binds the call only when the by-name reading is ambiguous (see LazySymbol).
        var symbol = new LazySymbol(Context, invocation);
        if (receiverExpression is null)
        {
            if (frame.TryLookup(name, out var function) && function is LambdaValue or LocalFunctionValue)
                return CallFunction(function, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
            if (frame.Type is { } type && FindMethods(type, name).FirstOrDefault(m => Fits(m.ParameterList, invocation.ArgumentList)) is { } byName)
                return CallUser(byName, byName.Modifiers.Any(SyntaxKind.StaticKeyword) ? null : frame.This, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
            if (frame.This is { } self && IsModuleMethod(name))
                return InstanceCall(self, name, invocation, symbol, frame);
            return TorchCall(null, name, invocation, symbol, frame);
        }

        var receiver = Eval(receiverExpression, frame);
        switch (receiver)
        {
            case TypeRefValue typeRef:
                if (Context.Types.TryGetValue(typeRef.Name, out var userType)
                    && FindMethods(userType, name).FirstOrDefault(m => Fits(m.ParameterList, invocation.ArgumentList)) is { } staticMethod)
                {
                    return CallUser(staticMethod, null, EvalArgs(invocation.ArgumentList, frame), frame, invocation);
                }
                if (Context.AmbiguousTypes.TryGetValue(typeRef.Name, out var declaringFiles))
                    return Unknown(AmbiguousReason(typeRef.Name, declaringFiles), invocation);
                return TorchCall(receiverExpression, name, invocation, symbol, frame);
            case UnknownValue unknown when name is "forward" or "call" && frame.Trace is { } trace:
                // An unknown module applied in forward still becomes a node, so the graph keeps its shape.
                var inputs = EvalArgs(invocation.ArgumentList, frame);
                if (inputs.FirstOrDefault().Value is TensorValue input)
                {
                    var label = receiverExpression is IdentifierNameSyntax id ? id.Identifier.ValueText : Short(receiverExpression);
                    return new TensorValue(trace.Add(new UnknownOp(label, unknown.Reason), [input.Node], Join(frame.Prefix, label), Context.Span(invocation)));
                }
                return unknown;
            case UnknownValue unknown:
                return unknown;
            default:
                return InstanceCall(receiver, name, invocation, symbol, frame);
        }
    }

    private static string AmbiguousReason(string typeName, ImmutableArray<string> files) =>
        $"'{typeName}' is declared in several workspace files ({string.Join(", ", files.Select(Path.GetFileName))}): the reader does not guess which one is meant";

    private static bool IsModuleMethod(string name) =>
        name is "RegisterComponents" or "register_module" or "register_buffer" or "register_parameter" or "parameters" or "to" or "apply" or "modules" or "children";

    private static bool Fits(ParameterListSyntax parameters, ArgumentListSyntax arguments)
    {
        var count = arguments.Arguments.Count;
        var required = parameters.Parameters.Count(p => p.Default is null && !p.Modifiers.Any(SyntaxKind.ParamsKeyword));
        var hasParams = parameters.Parameters.Any(p => p.Modifiers.Any(SyntaxKind.ParamsKeyword));
        return required <= count && (hasParams || count <= parameters.Parameters.Count);
    }

    public List<Arg> EvalArgs(BaseArgumentListSyntax? list, Frame frame) =>
        list?.Arguments.Select(a => new Arg(a.NameColon?.Name.Identifier.ValueText, a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword) ? NullValue.Instance : Eval(a.Expression, frame))).ToList() ?? [];

    /// <summary>Calls a method declared in the document, binding arguments by position, name, params array and default.</summary>
    public Value CallUser(MethodDeclarationSyntax method, UserModule? self, IReadOnlyList<Arg> args, Frame caller, SyntaxNode site)
    {
        if (caller.Depth + 1 > ReaderContext.DepthLimit)
            throw new EvaluationLimitException($"calls nested deeper than {ReaderContext.DepthLimit} at `{Short(site)}`");
        var frame = new Frame(method.Parent as TypeDeclarationSyntax ?? caller.Type, self)
        {
            Trace = caller.Trace,
            Prefix = caller.Prefix,
            Effects = caller.Effects,
            Depth = caller.Depth + 1,
        };
        BindParameters(method.ParameterList, args, frame);
        return Run(method.Body, method.ExpressionBody, frame);
    }

    public void BindParameters(ParameterListSyntax? parameters, IReadOnlyList<Arg> args, Frame frame)
    {
        if (parameters is null)
            return;
        var list = parameters.Parameters;
        var positional = args.Where(a => a.Name is null).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var parameter = list[i];
            var name = parameter.Identifier.ValueText;
            Value value;
            if (parameter.Modifiers.Any(SyntaxKind.ParamsKeyword))
            {
                var rest = positional.Skip(i).Select(a => a.Value).ToList();
                value = rest.Count == 1 && rest[0] is ListValue single ? single : new ListValue(rest);
            }
            else if (args.FirstOrDefault(a => a.Name == name) is { Name: not null } named)
                value = named.Value;
            else if (i < positional.Count)
                value = positional[i].Value;
            else if (parameter.Default is { } defaultValue)
                value = Eval(defaultValue.Value, frame);
            else
                value = new UnknownValue($"parameter '{name}' has no known value (no call site in this document supplies it)", Context.Span(parameter));
            frame.Locals[name] = value;
            frame.Kinds[name] = "parameter";
        }
    }

    public Value CallFunction(Value function, IReadOnlyList<Arg> args, Frame caller, SyntaxNode site)
    {
        if (caller.Depth + 1 > ReaderContext.DepthLimit)
            throw new EvaluationLimitException($"calls nested deeper than {ReaderContext.DepthLimit} at `{Short(site)}`");
        switch (function)
        {
            case LambdaValue { Method: { } method } methodGroup:
                return CallUser(method, method.Modifiers.Any(SyntaxKind.StaticKeyword) ? null : methodGroup.Closure.This, args, caller, site);
            case LambdaValue { Lambda: { } lambda } closure:
                var frame = new Frame(closure.Closure.Type, closure.Closure.This, closure.Closure)
                {
                    Trace = caller.Trace ?? closure.Closure.Trace,
                    Prefix = caller.Trace is not null ? caller.Prefix : closure.Closure.Prefix,
                    Effects = closure.Closure.Effects,
                    Depth = caller.Depth + 1,
                };
                var parameters = lambda switch
                {
                    SimpleLambdaExpressionSyntax simple => [simple.Parameter],
                    ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters.ToList(),
                    AnonymousMethodExpressionSyntax anonymous => anonymous.ParameterList?.Parameters.ToList() ?? [],
                    _ => [],
                };
                for (var i = 0; i < parameters.Count; i++)
                    frame.Locals[parameters[i].Identifier.ValueText] = i < args.Count ? args[i].Value : new UnknownValue("missing lambda argument");
                if (lambda.ExpressionBody is { } body)
                    return Eval(body, frame);
                return lambda.Block is { } block && Exec(block, frame) == Flow.Return ? frame.ReturnValue ?? NullValue.Instance : NullValue.Instance;
            case LocalFunctionValue local:
                var localFrame = new Frame(local.Closure.Type, local.Closure.This, local.Closure)
                {
                    Trace = caller.Trace ?? local.Closure.Trace,
                    Prefix = caller.Trace is not null ? caller.Prefix : local.Closure.Prefix,
                    Effects = local.Closure.Effects,
                    Depth = caller.Depth + 1,
                };
                BindParameters(local.Function.ParameterList, args, localFrame);
                return Run(local.Function.Body, local.Function.ExpressionBody, localFrame);
            default:
                return function is UnknownValue ? function : Unknown($"calling {function.Describe()}", site);
        }
    }

    private Value Create(BaseObjectCreationExpressionSyntax creation, Frame frame)
    {
        var typeSyntax = (creation as ObjectCreationExpressionSyntax)?.Type;
        // `new()` takes its type from the declaration it initialises, or from the semantic model.
        typeSyntax ??= creation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } } ? declaration.Type
            : creation.Parent is EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } ? property.Type
            : creation.Parent is InitializerExpressionSyntax { Parent: ArrayCreationExpressionSyntax array } ? array.Type.ElementType : null;
        // `Options = new() { LearningRate = ... }` inside a parameter group, read by name when binding failed.
        if (typeSyntax is null && creation.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "Options" } })
            typeSyntax = SyntaxFactory.IdentifierName("Options");
        var typeName = (typeSyntax is null or IdentifierNameSyntax { IsVar: true } ? null : BaseTypeName(typeSyntax))
            ?? (Context.SemanticFor(creation)?.GetTypeInfo(creation, Context.Cancellation).Type?.Name ?? "");
        var args = EvalArgs(creation.ArgumentList, frame);
        Value result;
        if (Context.Types.TryGetValue(typeName, out var type) && type is ClassDeclarationSyntax or RecordDeclarationSyntax)
        {
            result = Instantiate(type, args, Context.Span(creation), frame);
        }
        else
        {
            switch (typeName)
            {
                case "List" or "HashSet" or "Queue" or "Stack" or "LinkedList" or "Collection":
                    var list = new ListValue();
                    if (args.FirstOrDefault().Value is ListValue source)
                        list.Items.AddRange(source.Items);
                    result = list;
                    break;
                case "Dictionary" or "SortedDictionary" or "OrderedDictionary":
                    result = new DictValue();
                    break;
                case "ModuleList" or "ModuleDict" or "Sequential":
                    result = Container(typeName, args, creation, frame);
                    break;
                case "Tuple" or "ValueTuple" or "KeyValuePair":
                    result = new TupleValue(args.Select(a => a.Value).ToImmutableArray());
                    break;
                case "ParamGroup":
                    result = ParamGroup(creation, frame);
                    break;
                case "Options":
                    result = new OptimizerOptionsValue();
                    break;
                default:
                    if (Context.AmbiguousTypes.TryGetValue(typeName, out var files))
                        return Unknown(AmbiguousReason(typeName, files), creation);
                    return Unknown($"`new {typeName}(...)` is not evaluated", creation);
            }
        }
        if (creation.Initializer is { } initializer)
            ApplyInitializer(result, initializer, frame);
        return result;
    }

    /// <summary>
    /// TorchSharp's <c>ParamGroup(parameters, Options)</c> and <c>ParamGroup(parameters, lr = 1e-3, ...)</c>: with the second
    /// constructor the group always has its own rate (its default 1e-3 included); with <c>new() { ... }</c> only when set.
    /// </summary>
    private ParamGroupValue ParamGroup(BaseObjectCreationExpressionSyntax creation, Frame frame)
    {
        var group = new ParamGroupValue(Context.Span(creation));
        var list = creation.ArgumentList;
        if (list is null || list.Arguments.Count == 0)
            return group;
        var symbol = Context.SemanticFor(creation)?.GetSymbolInfo(creation, Context.Cancellation).Symbol as IMethodSymbol;
        var arguments = CallArguments.Bind(list, symbol, ["parameters", "lr"]);
        if (arguments.Get("parameters") is { } parameters)
            group.Parameters = Eval(parameters, frame);
        if (arguments.Get("options") is { } optionsExpression)
        {
            if (Eval(optionsExpression, frame) is OptimizerOptionsValue { RateExpression: { } rate } options)
                (group.Rate, group.RateExpression) = (options.Rate, rate);
        }
        else if (arguments.Get("lr") is { } lr)
        {
            var rate = Eval(lr, frame);
            if (rate is OptimizerOptionsValue options)
                (group.Rate, group.RateExpression) = (options.Rate, options.RateExpression);
            else
                (group.Rate, group.RateExpression) = (rate, lr);
        }
        else if (list.Arguments.Count >= 1 && (symbol is null || symbol.Parameters.Any(p => p.Name == "lr")))
        {
            group.Rate = NumberValue.Of(1e-3);
        }
        return group;
    }

    private void ApplyInitializer(Value target, InitializerExpressionSyntax initializer, Frame frame)
    {
        foreach (var expression in initializer.Expressions)
        {
            switch (target, expression)
            {
                case (UserModule user, AssignmentExpressionSyntax { Left: IdentifierNameSyntax field } assignment):
                    SetField(user, field.Identifier.ValueText, Eval(assignment.Right, frame), assignment);
                    break;
                case (DictValue dict, AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax key } assignment) when key.ArgumentList.Arguments.Count == 1:
                    dict.Entries.Add(new(Eval(key.ArgumentList.Arguments[0].Expression, frame), Eval(assignment.Right, frame)));
                    break;
                case (DictValue dict, InitializerExpressionSyntax pair) when pair.Expressions.Count == 2:
                    dict.Entries.Add(new(Eval(pair.Expressions[0], frame), Eval(pair.Expressions[1], frame)));
                    break;
                case (ListValue list, _):
                    list.Items.Add(Eval(expression, frame));
                    break;
                case (ParamGroupValue group, AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "Parameters" } } assignment):
                    group.Parameters = Eval(assignment.Right, frame);
                    break;
                case (ParamGroupValue group, AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "Options" } } assignment):
                    if (Eval(assignment.Right, frame) is OptimizerOptionsValue { RateExpression: { } rate } options)
                        (group.Rate, group.RateExpression) = (options.Rate, rate);
                    break;
                case (ParamGroupValue group, AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "LearningRate" } } assignment):
                    (group.Rate, group.RateExpression) = (Eval(assignment.Right, frame), assignment.Right);
                    break;
                case (OptimizerOptionsValue optionsValue, AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "LearningRate" } } assignment):
                    (optionsValue.Rate, optionsValue.RateExpression) = (Eval(assignment.Right, frame), assignment.Right);
                    break;
                case (ContainerModule container, _):
                    AddToContainer(container, Eval(expression, frame), expression);
                    break;
            }
        }
    }

    /// <summary>Runs field initialisers and the matching constructor of a user class on a new instance.</summary>
    public UserModule Instantiate(TypeDeclarationSyntax type, IReadOnlyList<Arg> args, SourceSpan span, Frame caller)
    {
        if (caller.Depth + 1 > ReaderContext.DepthLimit)
            throw new EvaluationLimitException($"constructors nested deeper than {ReaderContext.DepthLimit} at {type.Identifier.ValueText}");
        var instance = new UserModule(type, span);
        var isModule = Context.IsModuleType(type);
        if (isModule)
        {
            if (Context.ConstructionDepth > 0)
                Context.SubmoduleTypes.Add(type);
            Context.ConstructionDepth++;
        }
        try
        {
            Construct(instance, type, args, caller.Depth + 1);
        }
        finally
        {
            if (isModule)
                Context.ConstructionDepth--;
        }
        if (isModule && Context.ConstructionDepth == 0)
            Context.TopInstances.TryAdd(type, instance);
        return instance;
    }

    private void Construct(UserModule instance, TypeDeclarationSyntax type, IReadOnlyList<Arg> args, int depth)
    {
        if (depth > ReaderContext.DepthLimit)
            throw new EvaluationLimitException($"constructors nested deeper than {ReaderContext.DepthLimit} at {type.Identifier.ValueText}");
        var constructors = type.Members.OfType<ConstructorDeclarationSyntax>().Where(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword)).ToList();
        var constructor = constructors.FirstOrDefault(c => FitsArgs(c.ParameterList, args)) ?? constructors.FirstOrDefault();
        var frame = new Frame(type, instance) { Depth = depth };
        // Primary constructor parameters are visible to field initialisers and to the whole body.
        if (type.ParameterList is { } primary)
            BindParameters(primary, args, frame);
        if (constructor is not null)
            BindParameters(constructor.ParameterList, args, frame);

        if (constructor?.Initializer is { ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword } chained)
        {
            Construct(instance, type, EvalArgs(chained.ArgumentList, frame), depth + 1);
        }
        else
        {
            InitializeFields(instance, type, frame);
            var baseType = type.BaseList?.Types.FirstOrDefault();
            var baseName = BaseTypeName(baseType?.Type);
            var baseArgs = constructor?.Initializer is { } init ? EvalArgs(init.ArgumentList, frame)
                : baseType is PrimaryConstructorBaseTypeSyntax primaryBase ? EvalArgs(primaryBase.ArgumentList, frame)
                : [];
            if (baseName is not null && Context.Types.TryGetValue(baseName, out var baseDeclaration) && baseDeclaration != type)
                Construct(instance, baseDeclaration, baseArgs, depth + 1);
            else if (baseName == "Sequential")
                instance.SequentialBase = Container("Sequential", baseArgs, (SyntaxNode?)constructor?.Initializer ?? type, frame);
        }
        if (constructor is not null)
            Run(constructor.Body, constructor.ExpressionBody, frame);
    }

    private static bool FitsArgs(ParameterListSyntax parameters, IReadOnlyList<Arg> args)
    {
        var names = parameters.Parameters.Select(p => p.Identifier.ValueText).ToHashSet();
        if (args.Any(a => a.Name is not null && !names.Contains(a.Name)))
            return false;
        var required = parameters.Parameters.Count(p => p.Default is null && !p.Modifiers.Any(SyntaxKind.ParamsKeyword));
        var hasParams = parameters.Parameters.Any(p => p.Modifiers.Any(SyntaxKind.ParamsKeyword));
        return required <= args.Count && (hasParams || args.Count <= parameters.Parameters.Count);
    }

    private void InitializeFields(UserModule instance, TypeDeclarationSyntax type, Frame frame)
    {
        foreach (var member in type.Members)
        {
            if (member is FieldDeclarationSyntax field && !field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword)))
            {
                foreach (var variable in field.Declaration.Variables)
                {
                    if (variable.Initializer is { } init)
                        SetField(instance, variable.Identifier.ValueText, Eval(init.Value, frame), variable);
                }
            }
            else if (member is PropertyDeclarationSyntax { Initializer: { } propertyInit } property && !property.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                SetField(instance, property.Identifier.ValueText, Eval(propertyInit.Value, frame), property);
            }
        }
    }
}
