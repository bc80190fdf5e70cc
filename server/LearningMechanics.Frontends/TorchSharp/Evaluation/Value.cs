using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>A value of the bounded interpreter that reads construction code; anything it cannot follow is an <see cref="UnknownValue"/>.</summary>
internal abstract record Value
{
    public virtual string Describe() => GetType().Name;
}

/// <summary>A number; <see cref="Integer"/> is set when C# would hold it in an integral type.</summary>
internal sealed record NumberValue(double Double, long? Integer) : Value
{
    public static NumberValue Of(long value) => new(value, value);

    public static NumberValue Of(double value) => new(value, null);

    public bool IsInteger => Integer is not null;

    public override string Describe() => Integer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Double.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed record BoolValue(bool Value) : Value;

internal sealed record StringValue(string Value) : Value;

internal sealed record NullValue : Value
{
    public static NullValue Instance { get; } = new();
}

/// <summary>An enum member such as <c>Reduction.Sum</c> or <c>init.NonlinearityType.ReLU</c>, kept by name.</summary>
internal sealed record EnumValue(string TypeName, string Member) : Value;

/// <summary>Something the interpreter could not evaluate; <see cref="Reason"/> names the construct.</summary>
internal sealed record UnknownValue(string Reason, SourceSpan? Span = null) : Value
{
    public override string Describe() => $"unknown ({Reason})";
}

/// <summary>A tuple such as <c>("fc1", Linear(784, 128))</c>.</summary>
internal sealed record TupleValue(ImmutableArray<Value> Items) : Value;

/// <summary>An array, list or other sequence. Mutable because construction code adds to lists.</summary>
internal sealed record ListValue : Value
{
    public ListValue(IEnumerable<Value>? items = null) => Items = items?.ToList() ?? [];

    public List<Value> Items { get; }

    public bool Equals(ListValue? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>Set when <c>Sequential(list)</c> copied this list: later additions are not part of that container.</summary>
    public (ContainerModule Container, SourceSpan Span)? CopiedInto { get; set; }
}

/// <summary>A dictionary with string or number keys.</summary>
internal sealed record DictValue : Value
{
    public bool Equals(DictValue? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public List<KeyValuePair<Value, Value>> Entries { get; } = [];
}

/// <summary>A lambda or method group, closed over the frame that created it.</summary>
internal sealed record LambdaValue(Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax? Lambda, Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax? Method, Frame Closure) : Value;

/// <summary>A symbolic tensor inside <c>forward</c>: the graph node that produces it.</summary>
internal sealed record TensorValue(int Node) : Value;

/// <summary>The <c>weight</c> or <c>bias</c> tensor of a layer, as passed to <c>init.*_</c>.</summary>
internal sealed record ParameterRefValue(LayerModule Owner, string Tensor) : Value;

/// <summary><c>model.parameters()</c>: the parameters of a module.</summary>
internal sealed record ParametersValue(ModuleValue Owner) : Value;

/// <summary><c>new Adam.ParamGroup(...)</c> / <c>new SGD.ParamGroup { Parameters = ..., Options = new() { LearningRate = ... } }</c>.</summary>
internal sealed record ParamGroupValue(Model.Values.SourceSpan? GroupSpan) : Value
{
    public Value? Parameters { get; set; }

    /// <summary>The group's own rate expression's value; null when it sets none (the optimizer's rate applies).</summary>
    public Value? Rate { get; set; }

    public Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? RateExpression { get; set; }

    public override string Describe() => "ParamGroup";
}

/// <summary><c>new Adam.Options { LearningRate = ... }</c> inside a parameter group.</summary>
internal sealed record OptimizerOptionsValue : Value
{
    public Value? Rate { get; set; }

    public Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? RateExpression { get; set; }

    public override string Describe() => "optimizer Options";
}

/// <summary>An optimizer object (so schedulers can find it).</summary>
internal sealed record OptimizerValue(Model.Training.OptimizerSpec Spec, ModuleValue? Target) : Value;

internal sealed record LossValue(Model.Training.LossSpec Spec) : Value;
