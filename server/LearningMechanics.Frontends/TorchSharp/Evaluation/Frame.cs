using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>One activation of a method, constructor, lambda or forward: its locals, <c>this</c>, and the graph being traced.</summary>
internal sealed class Frame
{
    public Frame(TypeDeclarationSyntax? type, UserModule? self, Frame? parent = null)
    {
        Type = type;
        This = self;
        Parent = parent;
        Trace = parent?.Trace;
        Prefix = parent?.Prefix ?? "";
        Effects = parent?.Effects;
        Depth = parent?.Depth ?? 0;
    }

    public TypeDeclarationSyntax? Type { get; }

    public UserModule? This { get; }

    /// <summary>The enclosing frame of a lambda (closure) or null for methods.</summary>
    public Frame? Parent { get; }

    public Dictionary<string, Value> Locals { get; } = [];

    /// <summary>How each local was declared ("local", "const", "parameter"), for the source of a value.</summary>
    public Dictionary<string, string> Kinds { get; } = [];

    /// <summary>"local", "const", "parameter", "field" or "const" for a class constant; "value" when not known.</summary>
    public string KindOf(string name)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame.Locals.ContainsKey(name))
                return frame.Kinds.GetValueOrDefault(name, "local");
        }
        if (This is { } self && self.Fields.ContainsKey(name))
            return "field";
        var field = Type?.Members.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax>()
            .FirstOrDefault(f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == name));
        if (field is not null)
            return field.Modifiers.Any(m => m.ValueText == "const") ? "const" : "field";
        return "value";
    }

    /// <summary>The graph being traced when this frame runs inside <c>forward</c>.</summary>
    public GraphTrace? Trace { get; init; }

    /// <summary>The dotted module path of <see cref="This"/> inside the traced model ("" at the top).</summary>
    public string Prefix { get; init; }

    /// <summary>The container whose children this frame applies in order (names of its children are relative to it).</summary>
    public ContainerModule? Container { get; init; }

    /// <summary>Where a top-level method records optimizers, losses and model locals; null inside module code.</summary>
    public MethodEffects? Effects { get; init; }

    public int Depth { get; init; }

    public Value? ReturnValue { get; set; }

    public bool TryLookup(string name, out Value value)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame.Locals.TryGetValue(name, out value!))
                return true;
        }
        value = null!;
        return false;
    }

    /// <summary>Sets an existing local in the frame that holds it, or declares it here.</summary>
    public void Assign(string name, Value value)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame.Locals.ContainsKey(name))
            {
                frame.Locals[name] = value;
                return;
            }
        }
        Locals[name] = value;
    }
}
