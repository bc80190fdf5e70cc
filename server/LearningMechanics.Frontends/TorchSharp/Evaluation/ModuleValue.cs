using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>A TorchSharp module built by construction code. Reference identity matters: the same object can be applied twice.</summary>
internal abstract record ModuleValue : Value
{
    // Modules are objects: two layers built by the same expression in a loop are still two layers.
    public virtual bool Equals(ModuleValue? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    protected ModuleValue(string typeName, SourceSpan? span)
    {
        TypeName = typeName;
        Span = span;
    }

    /// <summary>The TorchSharp type name ("Linear", "Sequential") or the user class name.</summary>
    public string TypeName { get; }

    /// <summary>The construction expression (<c>Linear(784, 128)</c>, <c>new Block(...)</c>).</summary>
    public SourceSpan? Span { get; }

    /// <summary>The name under which the parent registers it: field name, tuple name or Sequential index.</summary>
    public string? LocalName { get; set; }

    /// <summary>True when <see cref="LocalName"/> is a Sequential position rather than a name written by the user.</summary>
    public bool LocalNameIsIndex { get; set; }

    /// <summary>The Sequential/ModuleList that holds this module, for its dotted name when applied from a loop.</summary>
    public ContainerModule? Container { get; set; }

    /// <summary>This module and every module below it, depth first, as TorchSharp's <c>modules()</c> yields them.</summary>
    public virtual IEnumerable<ModuleValue> SelfAndDescendants() => [this];

    public virtual IEnumerable<ModuleValue> Children() => [];

    public override string Describe() => TypeName;
}

/// <summary>A leaf layer mapped to an op (possibly an <see cref="Model.Ops.UnknownOp"/>); init calls update it after construction.</summary>
internal sealed record LayerModule : ModuleValue
{
    public LayerModule(string typeName, Model.Ops.Op op, SourceSpan? span) : base(typeName, span) => Op = op;

    public Model.Ops.Op Op { get; set; }

    public Model.Init.InitSpec? WeightInit { get; set; }

    public Model.Init.InitSpec? BiasInit { get; set; }
}

/// <summary><c>Sequential</c>, <c>ModuleList</c> or <c>ModuleDict</c>: an ordered list of children.</summary>
internal sealed record ContainerModule : ModuleValue
{
    public ContainerModule(string typeName, SourceSpan? span) : base(typeName, span)
    {
    }

    public List<ModuleValue> Items { get; } = [];

    /// <summary>Sequential applies its children in order; ModuleList/ModuleDict cannot be applied.</summary>
    public bool IsSequential => TypeName == "Sequential";

    public override IEnumerable<ModuleValue> Children() => Items;

    public override IEnumerable<ModuleValue> SelfAndDescendants() => Items.SelectMany(i => i.SelfAndDescendants()).Prepend(this);
}

/// <summary>An instance of a user module class: its fields as evaluated by the constructor.</summary>
internal sealed record UserModule : ModuleValue
{
    public UserModule(Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration, SourceSpan? span)
        : base(declaration.Identifier.ValueText, span) => Declaration = declaration;

    public Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax Declaration { get; }

    /// <summary>Fields (including those of user base classes) in assignment order.</summary>
    public Dictionary<string, Value> Fields { get; } = [];

    /// <summary>Modules registered with <c>register_module</c> or the base <c>Sequential(...)</c> constructor.</summary>
    public List<ModuleValue> Extra { get; } = [];

    /// <summary>Set when the class derives from TorchSharp's Sequential: forward applies these children.</summary>
    public ContainerModule? SequentialBase { get; set; }

    public bool RegisterComponentsCalled { get; set; }

    /// <summary>Fields given a module after <c>RegisterComponents()</c> ran: TorchSharp never registers them.</summary>
    public List<(string Field, SourceSpan? Span)> AssignedAfterRegister { get; } = [];

    public IEnumerable<(string Name, ModuleValue Module)> ModuleFields() =>
        Fields.Where(f => f.Value is ModuleValue).Select(f => (f.Key, (ModuleValue)f.Value));

    public override IEnumerable<ModuleValue> Children() =>
        ModuleFields().Select(f => f.Module).Concat(Extra).Concat(SequentialBase?.Items ?? []).Distinct();

    public override IEnumerable<ModuleValue> SelfAndDescendants() => Children().SelectMany(c => c.SelfAndDescendants()).Prepend(this);
}
