using System.Collections.Immutable;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

internal enum Flow
{
    Normal,
    Return,
    Break,
    Continue,
}

internal sealed partial class Interpreter
{
    /// <summary>Iterations one loop may run before the interpreter stops following it.</summary>
    private const int LoopLimit = 10_000;

    public Flow Exec(StatementSyntax statement, Frame frame)
    {
        switch (statement)
        {
            case BlockSyntax block:
                foreach (var inner in block.Statements)
                {
                    var flow = Exec(inner, frame);
                    if (flow != Flow.Normal)
                        return flow;
                }
                return Flow.Normal;
            case LocalDeclarationStatementSyntax local:
                Declare(local.Declaration, frame, local);
                return Flow.Normal;
            case ExpressionStatementSyntax expression:
                Eval(expression.Expression, frame);
                return Flow.Normal;
            case ReturnStatementSyntax ret:
                frame.ReturnValue = ret.Expression is null ? NullValue.Instance : Eval(ret.Expression, frame);
                return Flow.Return;
            case IfStatementSyntax ifStatement:
                return If(ifStatement, frame);
            case ForEachStatementSyntax forEach:
                return ForEach(forEach.Expression, frame, forEach, item => frame.Locals[forEach.Identifier.ValueText] = item, forEach.Statement);
            case ForEachVariableStatementSyntax forEachVariable:
                return ForEach(forEachVariable.Expression, frame, forEachVariable, item => Deconstruct(forEachVariable.Variable, item, frame), forEachVariable.Statement);
            case ForStatementSyntax forStatement:
                return For(forStatement, frame);
            case WhileStatementSyntax whileStatement:
                return While(whileStatement.Condition, whileStatement.Statement, frame, whileStatement);
            case UsingStatementSyntax usingStatement:
                if (usingStatement.Declaration is { } declaration)
                    Declare(declaration, frame, usingStatement);
                else if (usingStatement.Expression is { } used)
                    Eval(used, frame);
                return Exec(usingStatement.Statement, frame);
            case LocalFunctionStatementSyntax localFunction:
                frame.Locals[localFunction.Identifier.ValueText] = new LocalFunctionValue(localFunction, frame);
                return Flow.Normal;
            case BreakStatementSyntax:
                return Flow.Break;
            case ContinueStatementSyntax:
                return Flow.Continue;
            case ThrowStatementSyntax:
                frame.ReturnValue = Unknown("the method throws", statement);
                return Flow.Return;
            case TryStatementSyntax tryStatement:
                var tryFlow = Exec(tryStatement.Block, frame);
                return tryStatement.Finally is { } fin && tryFlow == Flow.Normal ? Exec(fin.Block, frame) : tryFlow;
            case CheckedStatementSyntax checkedStatement:
                return Exec(checkedStatement.Block, frame);
            case LockStatementSyntax lockStatement:
                return Exec(lockStatement.Statement, frame);
            case FixedStatementSyntax fixedStatement:
                return Exec(fixedStatement.Statement, frame);
            case UnsafeStatementSyntax unsafeStatement:
                return Exec(unsafeStatement.Block, frame);
            case LabeledStatementSyntax labeled:
                return Exec(labeled.Statement, frame);
            case SwitchStatementSyntax switchStatement:
                return SwitchStatement(switchStatement, frame);
            default:
                return Flow.Normal;
        }
    }

    /// <summary>Runs a method-like body (block or expression) and returns its result.</summary>
    public Value Run(BlockSyntax? body, ArrowExpressionClauseSyntax? arrow, Frame frame)
    {
        if (arrow is not null)
            return Eval(arrow.Expression, frame);
        if (body is null)
            return NullValue.Instance;
        var flow = Exec(body, frame);
        return flow == Flow.Return ? frame.ReturnValue ?? NullValue.Instance : NullValue.Instance;
    }

    private void Declare(VariableDeclarationSyntax declaration, Frame frame, StatementSyntax statement)
    {
        foreach (var variable in declaration.Variables)
        {
            var value = variable.Initializer is { } init ? Eval(init.Value, frame) : NullValue.Instance;
            var name = variable.Identifier.ValueText;
            frame.Locals[name] = value;
            frame.Kinds[name] = statement is LocalDeclarationStatementSyntax { IsConst: true } ? "const" : "local";
            if (frame.Effects is { } effects && frame.Depth == 0 && value is ModuleValue module)
                effects.ModuleLocals.Add((name, module, Context.Span(variable), variable));
            if (frame.Effects is { } batchEffects && value is NumberValue number && number.Integer is long size && IsBatchSizeName(name))
                batchEffects.BatchSizes.Add((Fact<long>.Known(size, Context.Span(variable.Initializer!.Value), $"local {name}"), Context.Span(variable)));
        }
    }

    private static bool IsBatchSizeName(string name) =>
        name.Replace("_", "", StringComparison.Ordinal).Equals("batchsize", StringComparison.OrdinalIgnoreCase);

    private Flow If(IfStatementSyntax ifStatement, Frame frame)
    {
        var condition = Eval(ifStatement.Condition, frame);
        if (Values.Truthy(condition, out var truth))
        {
            if (truth)
                return Exec(ifStatement.Statement, frame);
            return ifStatement.Else is { } elseClause ? Exec(elseClause.Statement, frame) : Flow.Normal;
        }
        Context.Report("unresolved-value", Severity.Information,
            $"condition `{Short(ifStatement.Condition)}` is not known ({Values.Why(condition)}); the reader skipped both branches",
            Context.Span(ifStatement.Condition));
        return Flow.Normal;
    }

    private Flow ForEach(ExpressionSyntax collectionExpression, Frame frame, StatementSyntax loop, Action<Value> bind, StatementSyntax body)
    {
        var collection = Eval(collectionExpression, frame);
        IEnumerable<Value>? items = collection switch
        {
            ListValue list => list.Items.ToList(),
            DictValue dict => dict.Entries.Select(e => (Value)new TupleValue([e.Key, e.Value])).ToList(),
            ContainerModule container => container.Items.ToList<Value>(),
            StringValue s => s.Value.Select(c => (Value)new StringValue(c.ToString())).ToList(),
            _ => null,
        };
        if (items is null)
        {
            Context.Report("unresolved-value", Severity.Information,
                $"the reader cannot enumerate `{Short(collectionExpression)}` ({Values.Why(collection)}); the loop body was skipped",
                Context.Span(collectionExpression));
            return Flow.Normal;
        }
        foreach (var item in items)
        {
            bind(item);
            var flow = Exec(body, frame);
            if (flow == Flow.Break)
                break;
            if (flow == Flow.Return)
                return flow;
        }
        return Flow.Normal;
    }

    private Flow For(ForStatementSyntax forStatement, Frame frame)
    {
        if (forStatement.Declaration is { } declaration)
            Declare(declaration, frame, forStatement);
        foreach (var initializer in forStatement.Initializers)
            Eval(initializer, frame);
        for (var iteration = 0; ; iteration++)
        {
            if (iteration >= LoopLimit)
                throw new EvaluationLimitException($"loop at line {Context.Span(forStatement).StartLine + 1} ran more than {LoopLimit:N0} times");
            if (forStatement.Condition is { } conditionExpression)
            {
                var condition = Eval(conditionExpression, frame);
                if (!Values.Truthy(condition, out var truth))
                {
                    Context.Report("unresolved-value", Severity.Information,
                        $"loop condition `{Short(conditionExpression)}` is not known ({Values.Why(condition)}); the loop was not followed",
                        Context.Span(conditionExpression));
                    return Flow.Normal;
                }
                if (!truth)
                    return Flow.Normal;
            }
            var flow = Exec(forStatement.Statement, frame);
            if (flow == Flow.Break)
                return Flow.Normal;
            if (flow == Flow.Return)
                return flow;
            foreach (var incrementor in forStatement.Incrementors)
                Eval(incrementor, frame);
        }
    }

    private Flow While(ExpressionSyntax conditionExpression, StatementSyntax body, Frame frame, SyntaxNode loop)
    {
        for (var iteration = 0; ; iteration++)
        {
            if (iteration >= LoopLimit)
                throw new EvaluationLimitException($"loop at line {Context.Span(loop).StartLine + 1} ran more than {LoopLimit:N0} times");
            var condition = Eval(conditionExpression, frame);
            if (!Values.Truthy(condition, out var truth) || !truth)
                return Flow.Normal;
            var flow = Exec(body, frame);
            if (flow == Flow.Break)
                return Flow.Normal;
            if (flow == Flow.Return)
                return flow;
        }
    }

    private Flow SwitchStatement(SwitchStatementSyntax switchStatement, Frame frame)
    {
        var subject = Eval(switchStatement.Expression, frame);
        foreach (var section in switchStatement.Sections)
        {
            foreach (var label in section.Labels)
            {
                var matches = label switch
                {
                    DefaultSwitchLabelSyntax => true,
                    CaseSwitchLabelSyntax c => Matches(subject, SyntaxFactory.ConstantPattern(c.Value), frame),
                    CasePatternSwitchLabelSyntax p => Matches(subject, p.Pattern, frame),
                    _ => null,
                };
                if (matches is null)
                    return Flow.Normal;
                if (matches == true)
                {
                    foreach (var statement in section.Statements)
                    {
                        var flow = Exec(statement, frame);
                        if (flow == Flow.Break)
                            return Flow.Normal;
                        if (flow != Flow.Normal)
                            return flow;
                    }
                    return Flow.Normal;
                }
            }
        }
        return Flow.Normal;
    }

    private void Deconstruct(ExpressionSyntax variables, Value item, Frame frame)
    {
        var names = variables switch
        {
            DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax p } => p.Variables.Select(v => (v as SingleVariableDesignationSyntax)?.Identifier.ValueText).ToList(),
            TupleExpressionSyntax t => t.Arguments.Select(a => a.Expression switch
            {
                DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax s } => s.Identifier.ValueText,
                IdentifierNameSyntax i => i.Identifier.ValueText,
                _ => null,
            }).ToList(),
            _ => [],
        };
        var values = item is TupleValue tuple ? tuple.Items : [];
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is { } name)
                frame.Assign(name, i < values.Length ? values[i] : new UnknownValue("deconstruction of a non-tuple"));
        }
    }

    private Value Assign(AssignmentExpressionSyntax assignment, Frame frame)
    {
        if (assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax)
        {
            var tuple = Eval(assignment.Right, frame);
            Deconstruct(assignment.Left, tuple, frame);
            return tuple;
        }
        Value value;
        if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
        {
            value = Eval(assignment.Right, frame);
        }
        else if (assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
        {
            var current = Eval(assignment.Left, frame);
            value = current is NullValue ? Eval(assignment.Right, frame) : current;
        }
        else
        {
            var current = Eval(assignment.Left, frame);
            var operand = Eval(assignment.Right, frame);
            var kind = assignment.Kind() switch
            {
                SyntaxKind.AddAssignmentExpression => SyntaxKind.AddExpression,
                SyntaxKind.SubtractAssignmentExpression => SyntaxKind.SubtractExpression,
                SyntaxKind.MultiplyAssignmentExpression => SyntaxKind.MultiplyExpression,
                SyntaxKind.DivideAssignmentExpression => SyntaxKind.DivideExpression,
                SyntaxKind.ModuloAssignmentExpression => SyntaxKind.ModuloExpression,
                _ => SyntaxKind.None,
            };
            if (current is TensorValue || operand is TensorValue)
                value = TensorBinary(kind, current, operand, assignment, frame);
            else if (current is NumberValue a && operand is NumberValue b && kind != SyntaxKind.None)
                value = Arithmetic(kind, a, b, assignment);
            else if (kind == SyntaxKind.AddExpression && current is StringValue s && operand is StringValue or NumberValue)
                value = new StringValue(s.Value + Text(operand));
            else
                value = Unknown($"compound assignment `{Short(assignment)}`", assignment);
        }
        Store(assignment.Left, value, frame);
        return value;
    }

    private void Store(ExpressionSyntax target, Value value, Frame frame)
    {
        switch (target)
        {
            case IdentifierNameSyntax identifier:
                var name = identifier.Identifier.ValueText;
                if (frame.TryLookup(name, out _))
                    frame.Assign(name, value);
                // A base class's constructor or method assigns the base class's fields of the same instance.
                else if (frame.This is { } self && (self.Fields.ContainsKey(name) || DeclaresField(self.Declaration, name) || frame.Type is { } declaring && DeclaresField(declaring, name)))
                    SetField(self, name, value, target);
                else
                    frame.Locals[name] = value;
                break;
            case MemberAccessExpressionSyntax member:
                var owner = Eval(member.Expression, frame);
                var memberName = member.Name.Identifier.ValueText;
                if (owner is UserModule user)
                    SetField(user, memberName, value, target);
                else if (owner is LayerModule layer && memberName is "weight" or "bias")
                    Context.Report("unresolved-value", Severity.Information,
                        $"`{Short(target)}` is replaced by a custom tensor; the reader keeps the {layer.TypeName} default init for it",
                        Context.Span(target));
                break;
            case ElementAccessExpressionSyntax element when element.ArgumentList.Arguments.Count == 1:
                var container = Eval(element.Expression, frame);
                var index = Eval(element.ArgumentList.Arguments[0].Expression, frame);
                if (container is ListValue list && Values.TryLong(index, out var i) && 0 <= i && i < list.Items.Count)
                    list.Items[(int)i] = value;
                else if (container is DictValue dict)
                {
                    dict.Entries.RemoveAll(e => KeyEquals(e.Key, index));
                    dict.Entries.Add(new(index, value));
                }
                break;
        }
    }

    private static bool DeclaresField(TypeDeclarationSyntax type, string name) =>
        type.Members.Any(m => m is FieldDeclarationSyntax f && f.Declaration.Variables.Any(v => v.Identifier.ValueText == name)
                              || m is PropertyDeclarationSyntax p && p.Identifier.ValueText == name);

    public void SetField(UserModule self, string name, Value value, SyntaxNode site)
    {
        self.Fields[name] = value;
        if (value is ModuleValue module)
        {
            if (module.LocalName is null)
            {
                module.LocalName = name;
                module.LocalNameIsIndex = false;
            }
            if (self.RegisterComponentsCalled)
                self.AssignedAfterRegister.Add((name, Context.Span(site)));
        }
    }
}

/// <summary>A local function, callable like a lambda.</summary>
internal sealed record LocalFunctionValue(LocalFunctionStatementSyntax Function, Frame Closure) : Value;
