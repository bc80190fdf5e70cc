using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>
/// A bounded interpreter for the subset of C# that builds TorchSharp models: constants, arithmetic, locals, fields,
/// loops over known collections, user methods, lambdas and constructors. Inside <c>forward</c> tensors are symbolic
/// (<see cref="TensorValue"/>) and every module application adds a node to the frame's <see cref="GraphTrace"/>.
/// Anything else evaluates to an <see cref="UnknownValue"/> that names the construct; nothing throws to the caller
/// except <see cref="EvaluationLimitException"/>, which the top-level run catches.
/// </summary>
internal sealed partial class Interpreter(ReaderContext context)
{
    public ReaderContext Context { get; } = context;

    public Value Eval(ExpressionSyntax expression, Frame frame)
    {
        if (++Context.Steps > ReaderContext.StepLimit)
            throw new EvaluationLimitException($"evaluation stopped after {ReaderContext.StepLimit:N0} steps at `{Short(expression)}`");
        if ((Context.Steps & 1023) == 0)
            Context.Cancellation.ThrowIfCancellationRequested();
        return expression switch
        {
            LiteralExpressionSyntax literal => Literal(literal),
            ParenthesizedExpressionSyntax p => Eval(p.Expression, frame),
            CastExpressionSyntax cast => Cast(cast.Type, Eval(cast.Expression, frame)),
            CheckedExpressionSyntax c => Eval(c.Expression, frame),
            PrefixUnaryExpressionSyntax unary => Prefix(unary, frame),
            PostfixUnaryExpressionSyntax postfix => Postfix(postfix, frame),
            BinaryExpressionSyntax binary => Binary(binary, frame),
            ConditionalExpressionSyntax conditional => Conditional(conditional, frame),
            InterpolatedStringExpressionSyntax interpolated => Interpolated(interpolated, frame),
            IdentifierNameSyntax identifier => Identifier(identifier, frame),
            GenericNameSyntax generic => new TypeRefValue(generic.Identifier.ValueText),
            PredefinedTypeSyntax predefined => new TypeRefValue(predefined.Keyword.ValueText),
            MemberAccessExpressionSyntax member => MemberAccess(member, frame),
            ConditionalAccessExpressionSyntax conditionalAccess => Eval(conditionalAccess.Expression, frame) is NullValue
                ? NullValue.Instance
                : Unknown("?. access", conditionalAccess),
            ElementAccessExpressionSyntax element => ElementAccess(element, frame),
            InvocationExpressionSyntax invocation => Invoke(invocation, frame),
            BaseObjectCreationExpressionSyntax creation => Create(creation, frame),
            ArrayCreationExpressionSyntax array => array.Initializer is { } init ? ListOf(init.Expressions, frame) : ArrayOfSize(array, frame),
            ImplicitArrayCreationExpressionSyntax implicitArray => ListOf(implicitArray.Initializer.Expressions, frame),
            StackAllocArrayCreationExpressionSyntax { Initializer: { } stackInit } => ListOf(stackInit.Expressions, frame),
            CollectionExpressionSyntax collection => Collection(collection, frame),
            InitializerExpressionSyntax initializer => ListOf(initializer.Expressions, frame),
            TupleExpressionSyntax tuple => new TupleValue(tuple.Arguments.Select(a => Eval(a.Expression, frame)).ToImmutableArray()),
            AnonymousFunctionExpressionSyntax lambda => new LambdaValue(lambda, null, frame),
            AssignmentExpressionSyntax assignment => Assign(assignment, frame),
            IsPatternExpressionSyntax isPattern => IsPattern(isPattern, frame),
            ThisExpressionSyntax or BaseExpressionSyntax => (Value?)frame.This ?? Unknown("`this` outside a module", expression),
            DefaultExpressionSyntax => NullValue.Instance,
            SwitchExpressionSyntax switchExpression => Switch(switchExpression, frame),
            ThrowExpressionSyntax => Unknown("throw expression", expression),
            RefExpressionSyntax r => Eval(r.Expression, frame),
            _ => Unknown($"{expression.Kind()} is not evaluated", expression),
        };
    }

    public UnknownValue Unknown(string reason, SyntaxNode node) => new(reason, Context.Span(node));

    public static string Short(SyntaxNode node)
    {
        var text = node.ToString().ReplaceLineEndings(" ");
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static Value Literal(LiteralExpressionSyntax literal)
    {
        switch (literal.Kind())
        {
            case SyntaxKind.NumericLiteralExpression:
                return literal.Token.Value switch
                {
                    int i => NumberValue.Of(i),
                    long l => NumberValue.Of(l),
                    uint u => NumberValue.Of(u),
                    ulong ul => NumberValue.Of((long)ul),
                    float f => NumberValue.Of((double)(decimal)f),
                    double d => NumberValue.Of(d),
                    decimal m => NumberValue.Of((double)m),
                    _ => new UnknownValue($"numeric literal {literal}"),
                };
            case SyntaxKind.StringLiteralExpression:
            case SyntaxKind.Utf8StringLiteralExpression:
                return new StringValue(literal.Token.ValueText);
            case SyntaxKind.CharacterLiteralExpression:
                return new StringValue(literal.Token.ValueText);
            case SyntaxKind.TrueLiteralExpression:
                return new BoolValue(true);
            case SyntaxKind.FalseLiteralExpression:
                return new BoolValue(false);
            case SyntaxKind.NullLiteralExpression:
            case SyntaxKind.DefaultLiteralExpression:
                return NullValue.Instance;
            default:
                return new UnknownValue($"literal {literal}");
        }
    }

    private static Value FromConstant(object? constant) => constant switch
    {
        null => NullValue.Instance,
        int i => NumberValue.Of(i),
        long l => NumberValue.Of(l),
        short s => NumberValue.Of(s),
        byte b => NumberValue.Of(b),
        uint u => NumberValue.Of(u),
        float f => NumberValue.Of((double)(decimal)f),
        double d => NumberValue.Of(d),
        decimal m => NumberValue.Of((double)m),
        bool b => new BoolValue(b),
        string s => new StringValue(s),
        char c => new StringValue(c.ToString()),
        _ => new UnknownValue($"constant {constant}"),
    };

    private static Value Cast(TypeSyntax type, Value value)
    {
        if (value is not NumberValue n)
            return value;
        var typeName = type.ToString();
        return typeName switch
        {
            "int" or "long" or "short" or "uint" or "ulong" or "Int32" or "Int64" => NumberValue.Of((long)Math.Truncate(n.Double)),
            "double" or "float" or "Double" or "Single" or "decimal" => NumberValue.Of(n.Double),
            _ => value,
        };
    }

    private Value Prefix(PrefixUnaryExpressionSyntax unary, Frame frame)
    {
        if (unary.IsKind(SyntaxKind.PreIncrementExpression) || unary.IsKind(SyntaxKind.PreDecrementExpression))
            return Increment(unary.Operand, unary.IsKind(SyntaxKind.PreIncrementExpression) ? 1 : -1, frame, returnNew: true);
        var operand = Eval(unary.Operand, frame);
        return (unary.Kind(), operand) switch
        {
            (SyntaxKind.UnaryMinusExpression, NumberValue n) => new NumberValue(-n.Double, -n.Integer),
            (SyntaxKind.UnaryPlusExpression, NumberValue n) => n,
            (SyntaxKind.LogicalNotExpression, BoolValue b) => new BoolValue(!b.Value),
            (SyntaxKind.UnaryMinusExpression, TensorValue t) => t,
            _ => operand is UnknownValue ? operand : Unknown($"operator {unary.OperatorToken.ValueText} on {operand.Describe()}", unary),
        };
    }

    private Value Postfix(PostfixUnaryExpressionSyntax postfix, Frame frame)
    {
        if (postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression))
            return Eval(postfix.Operand, frame);
        return Increment(postfix.Operand, postfix.IsKind(SyntaxKind.PostIncrementExpression) ? 1 : -1, frame, returnNew: false);
    }

    private Value Increment(ExpressionSyntax target, int delta, Frame frame, bool returnNew)
    {
        var old = Eval(target, frame);
        if (old is not NumberValue n)
            return old;
        var updated = new NumberValue(n.Double + delta, n.Integer + delta);
        Store(target, updated, frame);
        return returnNew ? updated : old;
    }

    private Value Conditional(ConditionalExpressionSyntax conditional, Frame frame)
    {
        var condition = Eval(conditional.Condition, frame);
        if (Values.Truthy(condition, out var truth))
            return Eval(truth ? conditional.WhenTrue : conditional.WhenFalse, frame);
        return Unknown($"condition `{Short(conditional.Condition)}` is not known ({Values.Why(condition)})", conditional.Condition);
    }

    private Value Interpolated(InterpolatedStringExpressionSyntax interpolated, Frame frame)
    {
        var text = new System.Text.StringBuilder();
        foreach (var content in interpolated.Contents)
        {
            switch (content)
            {
                case InterpolatedStringTextSyntax t:
                    text.Append(t.TextToken.ValueText);
                    break;
                case InterpolationSyntax i:
                    var value = Eval(i.Expression, frame);
                    switch (value)
                    {
                        case StringValue s:
                            text.Append(s.Value);
                            break;
                        case NumberValue n:
                            text.Append(n.Integer?.ToString(CultureInfo.InvariantCulture) ?? n.Double.ToString(CultureInfo.InvariantCulture));
                            break;
                        case BoolValue b:
                            text.Append(b.Value ? "True" : "False");
                            break;
                        default:
                            return Unknown($"interpolated `{Short(i.Expression)}` is not known", i);
                    }
                    break;
            }
        }
        return new StringValue(text.ToString());
    }

    private Value Binary(BinaryExpressionSyntax binary, Frame frame)
    {
        var kind = binary.Kind();
        if (kind == SyntaxKind.LogicalAndExpression || kind == SyntaxKind.LogicalOrExpression)
        {
            var leftValue = Eval(binary.Left, frame);
            if (!Values.Truthy(leftValue, out var l))
                return Unknown($"condition `{Short(binary.Left)}` is not known", binary.Left);
            if (kind == SyntaxKind.LogicalAndExpression && !l)
                return new BoolValue(false);
            if (kind == SyntaxKind.LogicalOrExpression && l)
                return new BoolValue(true);
            var rightValue = Eval(binary.Right, frame);
            return Values.Truthy(rightValue, out var r) ? new BoolValue(r) : Unknown($"condition `{Short(binary.Right)}` is not known", binary.Right);
        }
        if (kind == SyntaxKind.CoalesceExpression)
        {
            var leftValue = Eval(binary.Left, frame);
            return leftValue is NullValue ? Eval(binary.Right, frame) : leftValue;
        }
        if (kind == SyntaxKind.IsExpression)
            return TypeTest(Eval(binary.Left, frame), binary.Right as TypeSyntax, binary);
        if (kind == SyntaxKind.AsExpression)
        {
            var leftValue = Eval(binary.Left, frame);
            return TypeTest(leftValue, binary.Right as TypeSyntax, binary) is BoolValue { Value: false } ? NullValue.Instance : leftValue;
        }

        var left = Eval(binary.Left, frame);
        var right = Eval(binary.Right, frame);
        if (left is TensorValue || right is TensorValue)
            return TensorBinary(kind, left, right, binary, frame);
        if (kind == SyntaxKind.AddExpression && (left is StringValue || right is StringValue))
        {
            return left is StringValue or NumberValue && right is StringValue or NumberValue
                ? new StringValue(Text(left) + Text(right))
                : Unknown("string concatenation with an unknown part", binary);
        }
        if (left is NumberValue a && right is NumberValue b)
            return Arithmetic(kind, a, b, binary);
        if (kind is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression && left is not UnknownValue && right is not UnknownValue)
        {
            var equal = left switch
            {
                StringValue s => right is StringValue t && s.Value == t.Value,
                BoolValue x => right is BoolValue y && x.Value == y.Value,
                EnumValue e => right is EnumValue f && e.Member == f.Member,
                NullValue => right is NullValue,
                _ => ReferenceEquals(left, right),
            };
            return new BoolValue(kind == SyntaxKind.EqualsExpression ? equal : !equal);
        }
        if (left is UnknownValue)
            return left;
        if (right is UnknownValue)
            return right;
        return Unknown($"operator {binary.OperatorToken.ValueText} on {left.Describe()} and {right.Describe()}", binary);
    }

    private static string Text(Value value) => value switch
    {
        StringValue s => s.Value,
        NumberValue n => n.Integer?.ToString(CultureInfo.InvariantCulture) ?? n.Double.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private Value Arithmetic(SyntaxKind kind, NumberValue a, NumberValue b, SyntaxNode node)
    {
        var integral = a.Integer is not null && b.Integer is not null;
        long x = a.Integer ?? 0, y = b.Integer ?? 0;
        switch (kind)
        {
            case SyntaxKind.AddExpression: return integral ? NumberValue.Of(x + y) : NumberValue.Of(a.Double + b.Double);
            case SyntaxKind.SubtractExpression: return integral ? NumberValue.Of(x - y) : NumberValue.Of(a.Double - b.Double);
            case SyntaxKind.MultiplyExpression: return integral ? NumberValue.Of(x * y) : NumberValue.Of(a.Double * b.Double);
            case SyntaxKind.DivideExpression:
                if (integral)
                    return y == 0 ? Unknown("division by zero", node) : NumberValue.Of(x / y);
                return NumberValue.Of(a.Double / b.Double);
            case SyntaxKind.ModuloExpression:
                if (integral)
                    return y == 0 ? Unknown("division by zero", node) : NumberValue.Of(x % y);
                return NumberValue.Of(a.Double % b.Double);
            case SyntaxKind.LeftShiftExpression when integral: return NumberValue.Of(x << (int)y);
            case SyntaxKind.RightShiftExpression when integral: return NumberValue.Of(x >> (int)y);
            case SyntaxKind.BitwiseAndExpression when integral: return NumberValue.Of(x & y);
            case SyntaxKind.BitwiseOrExpression when integral: return NumberValue.Of(x | y);
            case SyntaxKind.ExclusiveOrExpression when integral: return NumberValue.Of(x ^ y);
            case SyntaxKind.LessThanExpression: return new BoolValue(a.Double < b.Double);
            case SyntaxKind.LessThanOrEqualExpression: return new BoolValue(a.Double <= b.Double);
            case SyntaxKind.GreaterThanExpression: return new BoolValue(a.Double > b.Double);
            case SyntaxKind.GreaterThanOrEqualExpression: return new BoolValue(a.Double >= b.Double);
            case SyntaxKind.EqualsExpression: return new BoolValue(a.Double == b.Double);
            case SyntaxKind.NotEqualsExpression: return new BoolValue(a.Double != b.Double);
            default: return Unknown($"operator {kind}", node);
        }
    }

    private static readonly HashSet<string> s_torchNames = new(StringComparer.Ordinal)
    {
        "torch", "nn", "init", "optim", "functional", "lr_scheduler", "utils", "TorchSharp", "Modules", "Math", "MathF", "Enumerable", "System",
    };

    // Design note: names resolve by name first (locals, fields, document types) and ask the semantic model only when that
    // fails. Binding a member with Roslyn costs about 0.5 ms per TorchSharp call (huge overload sets under `using static`),
    // which is too slow for a 2,000-line file; by-name lookup is exact for everything the interpreter follows.
    private Value Identifier(IdentifierNameSyntax identifier, Frame frame)
    {
        var name = identifier.Identifier.ValueText;
        if (name.Length == 0)
            return Unknown("missing identifier (incomplete code)", identifier);
        if (frame.TryLookup(name, out var local))
            return local;
        if (frame.This is { } self && self.Fields.TryGetValue(name, out var field))
            return field;
        if (name == "nameof")
            return new TypeRefValue(name);
        for (var type = frame.Type; type is not null; type = type.Parent as TypeDeclarationSyntax)
        {
            if (StaticMember(type, name) is { } member)
                return member;
        }
        if (frame.Type is { } t && FindMethods(t, name).FirstOrDefault() is { } byName)
            return new LambdaValue(null, byName, new Frame(t, frame.This) { Trace = frame.Trace, Prefix = frame.Prefix, Effects = frame.Effects, Depth = frame.Depth });
        if (s_torchNames.Contains(name) || Context.Types.ContainsKey(name))
            return new TypeRefValue(name);
        foreach (var type in Context.Types.Values)
        {
            // Members imported with `using static SomeConfig;`.
            if (StaticMember(type, name) is { } imported)
                return imported;
        }
        var constant = Context.Constant(identifier);
        if (constant.HasValue)
            return FromConstant(constant.Value);
        if (char.IsUpper(name[0]))
            return new TypeRefValue(name);
        var symbol = Context.Symbol(identifier);
        switch (symbol)
        {
            case IFieldSymbol or IPropertySymbol when symbol.IsStatic && SymbolInitializer(symbol) is { } init:
                return init;
            case ITypeSymbol or INamespaceSymbol:
                return new TypeRefValue(name, symbol);
            case IParameterSymbol or ILocalSymbol:
                return Unknown($"'{name}' has no known value here", identifier);
            case null:
                return Unknown($"'{name}' could not be resolved", identifier);
            default:
                return Unknown($"'{name}' is not evaluated", identifier);
        }
    }

    private Value MemberAccess(MemberAccessExpressionSyntax member, Frame frame)
    {
        var name = member.Name.Identifier.ValueText;
        if (name.Length == 0)
            return Unknown("incomplete member access", member);
        var target = Eval(member.Expression, frame);
        switch (target)
        {
            case UserModule user:
                if (user.Fields.TryGetValue(name, out var field))
                    return field;
                return Unknown($"field '{name}' of {user.TypeName} has no known value", member);
            case LayerModule layer when name is "weight" or "bias":
                return new ParameterRefValue(layer, name);
            case ListValue list when name is "Length" or "Count":
                return NumberValue.Of(list.Items.Count);
            case DictValue dict when name is "Count":
                return NumberValue.Of(dict.Entries.Count);
            case DictValue dict when name is "Keys" or "Values":
                return new ListValue(dict.Entries.Select(e => name == "Keys" ? e.Key : e.Value));
            case StringValue s when name == "Length":
                return NumberValue.Of(s.Value.Length);
            case TupleValue tuple when name.StartsWith("Item", StringComparison.Ordinal) && int.TryParse(name[4..], out var index) && 1 <= index && index <= tuple.Items.Length:
                return tuple.Items[index - 1];
            case TupleValue tuple when name is "Key" && tuple.Items.Length == 2:
                return tuple.Items[0];
            case TupleValue tuple when name is "Value" && tuple.Items.Length == 2:
                return tuple.Items[1];
            case TypeRefValue typeRef:
                if (Context.Types.TryGetValue(typeRef.Name, out var type))
                    return StaticMember(type, name) ?? (Value)Unknown($"'{typeRef.Name}.{name}' is not a static value the reader follows", member);
                if (typeRef.Name.Length == 0)
                    return Unknown("incomplete name", member);
                if (char.IsUpper(name[0]) && typeRef.Symbol is null)
                {
                    // Enum members (Reduction.Sum, init.NonlinearityType.ReLU) and nested TorchSharp types (nn.Module) by name.
                    return char.IsUpper(typeRef.Name[0]) && typeRef.Name is not ("TorchSharp" or "Modules" or "System") ? new EnumValue(typeRef.Name, name) : new TypeRefValue(name);
                }
                if (typeRef.Symbol is null && !char.IsUpper(name[0]) && s_torchNames.Contains(typeRef.Name))
                    return new TypeRefValue(name);
                var constant = Context.Constant(member);
                var symbol = Context.Symbol(member);
                if (constant.HasValue && symbol is IFieldSymbol { ContainingType.TypeKind: TypeKind.Enum } enumMember)
                    return new EnumValue(enumMember.ContainingType.Name, enumMember.Name);
                if (constant.HasValue)
                    return FromConstant(constant.Value);
                if (symbol is IFieldSymbol or IPropertySymbol && symbol.IsStatic && SymbolInitializer(symbol) is { } init)
                    return init;
                if (symbol is IFieldSymbol { ContainingType.TypeKind: TypeKind.Enum } enumField)
                    return new EnumValue(enumField.ContainingType.Name, enumField.Name);
                if (symbol is ITypeSymbol or INamespaceSymbol)
                    return new TypeRefValue(name, symbol);
                if (symbol is null && char.IsUpper(typeRef.Name[0]) && !Context.Types.ContainsKey(typeRef.Name))
                    return new EnumValue(typeRef.Name, name);
                if (symbol is null)
                    return new TypeRefValue(name);
                return Unknown($"`{Short(member)}` is not evaluated", member);
            case TensorValue:
                return Unknown($"tensor property '{name}'", member);
        }
        return target is UnknownValue ? target : Unknown($"member '{name}' of {target.Describe()}", member);
    }

    private Value ElementAccess(ElementAccessExpressionSyntax element, Frame frame)
    {
        var target = Eval(element.Expression, frame);
        if (element.ArgumentList.Arguments.Count != 1)
            return Unknown("multi-dimensional indexing", element);
        var argument = element.ArgumentList.Arguments[0].Expression;
        // `^n` (index from the end) reads as -n, which the list and container cases count from the end.
        var index = argument is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.IndexExpression } fromEnd
            ? (Values.TryLong(Eval(fromEnd.Operand, frame), out var back) && back > 0 ? (Value)NumberValue.Of(-back) : Unknown($"index `{Short(argument)}`", argument))
            : Eval(argument, frame);
        switch (target)
        {
            case ListValue list when Values.TryLong(index, out var i):
                if (i < 0)
                    i += list.Items.Count;
                return 0 <= i && i < list.Items.Count ? list.Items[(int)i] : Unknown($"index {i} out of range", element);
            case ContainerModule container when Values.TryLong(index, out var i):
                if (i < 0)
                    i += container.Items.Count;
                return 0 <= i && i < container.Items.Count ? container.Items[(int)i] : Unknown($"index {i} out of range", element);
            case ContainerModule container when index is StringValue key:
                return container.Items.FirstOrDefault(m => m.LocalName == key.Value) ?? (Value)Unknown($"no module '{key.Value}'", element);
            case DictValue dict:
                foreach (var entry in dict.Entries)
                {
                    if (KeyEquals(entry.Key, index))
                        return entry.Value;
                }
                return Unknown($"key {index.Describe()} not found", element);
            case TupleValue tuple when Values.TryLong(index, out var i) && 0 <= i && i < tuple.Items.Length:
                return tuple.Items[(int)i];
        }
        return target is UnknownValue ? target : Unknown($"indexing {target.Describe()}", element);
    }

    private static bool KeyEquals(Value a, Value b) => (a, b) switch
    {
        (StringValue x, StringValue y) => x.Value == y.Value,
        (NumberValue x, NumberValue y) => x.Double == y.Double,
        (EnumValue x, EnumValue y) => x.Member == y.Member,
        _ => false,
    };

    private Value ListOf(SeparatedSyntaxList<ExpressionSyntax> items, Frame frame)
    {
        var list = new ListValue();
        foreach (var item in items)
        {
            // Dictionary initialiser entries arrive as { key, value } initialisers.
            list.Items.Add(item is InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ComplexElementInitializerExpression } pair
                ? new TupleValue(pair.Expressions.Select(e => Eval(e, frame)).ToImmutableArray())
                : Eval(item, frame));
        }
        return list;
    }

    private Value ArrayOfSize(ArrayCreationExpressionSyntax array, Frame frame)
    {
        var rank = array.Type.RankSpecifiers.FirstOrDefault();
        if (rank?.Sizes.Count == 1 && rank.Sizes[0] is not OmittedArraySizeExpressionSyntax && Values.TryLong(Eval(rank.Sizes[0], frame), out var size) && 0 <= size && size <= 100_000)
        {
            var element = array.Type.ElementType.ToString();
            Value zero = element is "bool" ? new BoolValue(false) : element is "int" or "long" or "double" or "float" ? NumberValue.Of(0) : NullValue.Instance;
            return new ListValue(Enumerable.Repeat(zero, (int)size));
        }
        return Unknown("array without a known size", array);
    }

    private Value Collection(CollectionExpressionSyntax collection, Frame frame)
    {
        var list = new ListValue();
        foreach (var element in collection.Elements)
        {
            switch (element)
            {
                case ExpressionElementSyntax e:
                    list.Items.Add(Eval(e.Expression, frame));
                    break;
                case SpreadElementSyntax s when Eval(s.Expression, frame) is ListValue spread:
                    list.Items.AddRange(spread.Items);
                    break;
                default:
                    return Unknown("collection element", element);
            }
        }
        return list;
    }

    private Value Switch(SwitchExpressionSyntax switchExpression, Frame frame)
    {
        var subject = Eval(switchExpression.GoverningExpression, frame);
        foreach (var arm in switchExpression.Arms)
        {
            var matches = Matches(subject, arm.Pattern, frame);
            if (matches is null)
                return Unknown($"switch on `{Short(switchExpression.GoverningExpression)}` is not known", switchExpression);
            if (matches == true && (arm.WhenClause is null || Eval(arm.WhenClause.Condition, frame) is BoolValue { Value: true }))
                return Eval(arm.Expression, frame);
        }
        return Unknown("no switch arm matched", switchExpression);
    }

    /// <summary>True/false when the pattern can be decided, null when not.</summary>
    private bool? Matches(Value subject, PatternSyntax pattern, Frame frame)
    {
        switch (pattern)
        {
            case DiscardPatternSyntax:
                return true;
            case ConstantPatternSyntax constant:
                var value = Eval(constant.Expression, frame);
                if (subject is UnknownValue || value is UnknownValue)
                    return null;
                return KeyEquals(subject, value) || (subject is BoolValue a && value is BoolValue b && a.Value == b.Value) || (subject is NullValue && value is NullValue);
            case DeclarationPatternSyntax declaration:
                if (TypeTest(subject, declaration.Type, declaration) is not BoolValue { } test)
                    return null;
                if (test.Value && declaration.Designation is SingleVariableDesignationSyntax single)
                    frame.Locals[single.Identifier.ValueText] = subject;
                return test.Value;
            case TypePatternSyntax typePattern:
                return TypeTest(subject, typePattern.Type, typePattern) is BoolValue { } t ? t.Value : null;
            case VarPatternSyntax { Designation: SingleVariableDesignationSyntax v }:
                frame.Locals[v.Identifier.ValueText] = subject;
                return true;
            case UnaryPatternSyntax { OperatorToken.ValueText: "not" } not:
                return !Matches(subject, not.Pattern, frame);
            case BinaryPatternSyntax binary:
                var left = Matches(subject, binary.Left, frame);
                var right = Matches(subject, binary.Right, frame);
                return binary.OperatorToken.ValueText == "or" ? left | right : left & right;
            case RelationalPatternSyntax relational when subject is NumberValue n && Eval(relational.Expression, frame) is NumberValue bound:
                return relational.OperatorToken.ValueText switch
                {
                    "<" => n.Double < bound.Double,
                    "<=" => n.Double <= bound.Double,
                    ">" => n.Double > bound.Double,
                    ">=" => n.Double >= bound.Double,
                    _ => null,
                };
            default:
                return null;
        }
    }

    private Value IsPattern(IsPatternExpressionSyntax isPattern, Frame frame)
    {
        var subject = Eval(isPattern.Expression, frame);
        var result = Matches(subject, isPattern.Pattern, frame);
        return result is bool b ? new BoolValue(b) : Unknown($"pattern `{Short(isPattern)}` is not decided", isPattern);
    }

    /// <summary>Decides <c>value is Type</c> for module values by type name; null-safe for unknowns.</summary>
    private Value TypeTest(Value value, TypeSyntax? type, SyntaxNode node)
    {
        if (type is null)
            return Unknown("type test", node);
        var typeName = type switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            GenericNameSyntax g => g.Identifier.ValueText,
            IdentifierNameSyntax i => i.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            _ => type.ToString(),
        };
        return value switch
        {
            ModuleValue m => new BoolValue(typeName is "Module" or "nn.Module" || m.TypeName == typeName || (m is UserModule u && DerivesFrom(u.Declaration, typeName))),
            NullValue => new BoolValue(false),
            UnknownValue => value,
            NumberValue n => new BoolValue(typeName is "double" or "float" ? !n.IsInteger : n.IsInteger),
            StringValue => new BoolValue(typeName is "string" or "String"),
            _ => Unknown($"type test on {value.Describe()}", node),
        };
    }

    private bool DerivesFrom(TypeDeclarationSyntax declaration, string typeName)
    {
        for (var depth = 0; depth < 8 && declaration.BaseList is { } baseList; depth++)
        {
            var baseName = BaseTypeName(baseList.Types.FirstOrDefault()?.Type);
            if (baseName == typeName)
                return true;
            if (baseName is null || !Context.Types.TryGetValue(baseName, out var next))
                return false;
            declaration = next;
        }
        return false;
    }

    public static string? BaseTypeName(TypeSyntax? type) => type switch
    {
        QualifiedNameSyntax q => BaseTypeName(q.Right),
        GenericNameSyntax g => g.Identifier.ValueText,
        IdentifierNameSyntax i => i.Identifier.ValueText,
        AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>A const or static field/property of a user type, evaluated once from its initialiser.</summary>
    private Value? StaticMember(TypeDeclarationSyntax type, string name)
    {
        foreach (var member in type.Members)
        {
            switch (member)
            {
                case FieldDeclarationSyntax field:
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Identifier.ValueText != name)
                            continue;
                        var isStatic = field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword));
                        if (!isStatic)
                            return null;
                        return StaticInitializer(variable, type);
                    }
                    break;
                case PropertyDeclarationSyntax property when property.Identifier.ValueText == name && property.Modifiers.Any(SyntaxKind.StaticKeyword):
                    var expression = property.ExpressionBody?.Expression ?? property.Initializer?.Value;
                    return expression is null ? new UnknownValue($"static property '{name}'") : Eval(expression, new Frame(type, null) { Depth = 1 });
            }
        }
        return null;
    }

    private Value StaticInitializer(VariableDeclaratorSyntax variable, TypeDeclarationSyntax type)
    {
        if (Context.StaticCache.TryGetValue(variable, out var cached))
            return cached;
        Context.StaticCache[variable] = new UnknownValue($"'{variable.Identifier.ValueText}' refers to itself");
        var value = variable.Initializer is { } init
            ? Eval(init.Value, new Frame(type, null) { Depth = 1 })
            : new UnknownValue($"static field '{variable.Identifier.ValueText}' has no initialiser");
        Context.StaticCache[variable] = value;
        return value;
    }

    private Value? SymbolInitializer(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (!Context.IsWorkspaceTree(reference.SyntaxTree))
                continue;
            var syntax = reference.GetSyntax(Context.Cancellation);
            if (syntax is VariableDeclaratorSyntax variable && variable.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type)
                return StaticInitializer(variable, type);
        }
        return null;
    }

    private MethodDeclarationSyntax? DeclaredMethod(ISymbol symbol)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (Context.IsWorkspaceTree(reference.SyntaxTree) && reference.GetSyntax(Context.Cancellation) is MethodDeclarationSyntax method)
                return method;
        }
        return null;
    }

    public IEnumerable<MethodDeclarationSyntax> FindMethods(TypeDeclarationSyntax type, string name)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            foreach (var method in type.Members.OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.ValueText == name))
                yield return method;
            var baseName = BaseTypeName(type.BaseList?.Types.FirstOrDefault()?.Type);
            if (baseName is null || !Context.Types.TryGetValue(baseName, out var next) || next == type)
                yield break;
            type = next;
        }
    }
}
