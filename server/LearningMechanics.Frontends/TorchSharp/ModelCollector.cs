using System.Collections.Immutable;
using LearningMechanics.Frontends.TorchSharp.Evaluation;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LearningMechanics.Frontends.TorchSharp;

/// <summary>
/// Finds the models of one document and builds their graphs. Models are (1) module classes, built from the first
/// instantiation outside module code (or with unknown constructor arguments when there is none) and (2) Sequentials
/// held in a local or returned by a method outside module classes. Training setup attaches to the model whose
/// <c>parameters()</c> the optimizer receives; losses in the same method attach to the same model.
/// </summary>
internal sealed class ModelCollector(ReaderContext context)
{
    private sealed class ModelEntry(string name, ModuleValue root, SourceSpan span, SyntaxNode anchor)
    {
        public string Name { get; set; } = name;
        public ModuleValue Root { get; } = root;
        public SourceSpan Span { get; } = span;
        public SyntaxNode Anchor { get; } = anchor;
        public OptimizerSpec? Optimizer { get; set; }
        public LossSpec? Loss { get; set; }
        public ScheduleSpec? Schedule { get; set; }
        public Fact<long>? BatchSize { get; set; }
    }

    private readonly Interpreter _interpreter = new(context);
    private readonly List<ModelEntry> _models = [];

    public ReadResult Collect()
    {
        var root = (CompilationUnitSyntax)context.Tree.GetRoot(context.Cancellation);
        var units = context.Units.IsDefault ? [root] : context.Units;
        IndexTypes(root, units);
        var runs = new List<(MethodEffects Effects, SyntaxNode Body, TypeDeclarationSyntax? Type, string Name)>();

        var globals = units.Contains(root) ? root.Members.OfType<GlobalStatementSyntax>().ToList() : [];
        if (globals.Count > 0)
            runs.Add((RunStatements(globals.Select(g => g.Statement)), root, null, "Program"));
        // Methods without parameters run first: their instantiations carry real arguments, while a method whose own
        // parameters are unknown (a factory such as ResNet18(numClasses)) would otherwise claim the model first.
        var methods = context.Types.Values.Distinct().Where(type => !context.ExternalTypes.Contains(type))
            .SelectMany(type => type.Members.OfType<MethodDeclarationSyntax>()
                .Where(method => !context.IsModuleType(type) || method.Modifiers.Any(SyntaxKind.StaticKeyword))
                .Select(method => (Type: type, Method: method)))
            .OrderBy(m => m.Method.ParameterList.Parameters.Count(p => p.Default is null) == 0 ? 0 : 1)
            .ThenBy(m => m.Method.SpanStart)
            .ToList();
        var invokedNames = units.SelectMany(u => u == root && !context.Units.IsDefault ? globals.SelectMany(g => g.DescendantNodes()) : u.DescendantNodes()).OfType<InvocationExpressionSyntax>()
            .Select(i => i.Expression switch
            {
                MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                SimpleNameSyntax n => n.Identifier.ValueText,
                _ => null,
            })
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var sitesRun = false;
        foreach (var (type, method) in methods)
        {
            var required = method.ParameterList.Parameters.Any(p => p.Default is null);
            if (required && !sitesRun)
            {
                // Sites in other documents have real arguments: before a factory runs with unknown ones.
                RunInstantiationSites();
                sitesRun = true;
            }
            // A helper with required parameters that the document (or an instantiation site) calls runs there, with real arguments.
            if (required && (invokedNames.Contains(method.Identifier.ValueText) || _siteInvoked.Contains(method.Identifier.ValueText)))
                continue;
            runs.Add((RunMethod(method, type), method, type, method.Identifier.ValueText));
        }
        if (!sitesRun)
            RunInstantiationSites();

        // Module classes never instantiated by the code above are built with unknown constructor arguments.
        var autoBuilt = new Dictionary<TypeDeclarationSyntax, (int From, int To)>();
        foreach (var type in context.ModuleTypes.Where(t => !context.ExternalTypes.Contains(t) && !context.TopInstances.ContainsKey(t) && !t.Modifiers.Any(SyntaxKind.AbstractKeyword) && t.TypeParameterList is null).ToList())
        {
            if (context.TopInstances.ContainsKey(type))
                continue;
            var mark = context.FindingMark;
            Guard(() => _interpreter.Instantiate(type, [], context.Span(type.Identifier), new Frame(type, null)), context.Span(type.Identifier));
            autoBuilt[type] = (mark, context.FindingMark);
        }
        foreach (var (type, instance) in context.TopInstances)
        {
            if (context.ExternalTypes.Contains(type))
                continue; // A model declared in another document is that document's (this one may be its instantiation site).

            if (autoBuilt.TryGetValue(type, out var range) && context.SubmoduleTypes.Contains(type))
            {
                // A block class only used inside other models: its stand-alone reading (unknown arguments) is not a model.
                context.Discard(range.From, range.To);
                continue;
            }
            _models.Add(new ModelEntry(type.Identifier.ValueText, instance, context.Span(type.Identifier), type));
        }

        foreach (var run in runs)
            CollectSequentials(run.Effects, run.Body, run.Type, run.Name);
        foreach (var run in runs)
            AttachTraining(run.Effects);

        var graphs = _models.OrderBy(m => m.Span.StartLine).ThenBy(m => m.Span.StartCharacter)
            .Select(Build).ToImmutableArray();
        // Findings located in another workspace document belong to that document's own reading.
        return new ReadResult(graphs, context.Findings.Where(f => f.Span is not { } span || span.Path == context.Path).ToImmutableArray());
    }

    /// <summary>
    /// Instantiation sites in other workspace documents (a training program in another file that writes <c>new Net(10)</c>
    /// or <c>Net.Create(10)</c>) supply the constructor arguments of this document's module classes. Their top-level
    /// statements and the methods that name one of this document's module classes run as this document's own methods do
    /// (parameterless first); only the instances of this document's classes are kept, their other effects are dropped.
    /// </summary>
    private void RunInstantiationSites()
    {
        var own = context.ModuleTypes.Where(t => !context.ExternalTypes.Contains(t) && context.Tree == t.SyntaxTree && !context.TopInstances.ContainsKey(t))
            .Select(t => t.Identifier.ValueText).ToHashSet(StringComparer.Ordinal);
        if (own.Count == 0)
            return;
        foreach (var tree in context.WorkspaceTrees)
        {
            var root = (CompilationUnitSyntax)tree.GetRoot(context.Cancellation);
            bool Names(SyntaxNode node) => node.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && own.Contains(t.ValueText));
            // A class of this document used inside another document's module class is a block of that model, not a model.
            foreach (var user in root.DescendantNodes(n => n is not BlockSyntax).OfType<TypeDeclarationSyntax>().Where(context.IsModuleType))
            {
                foreach (var token in user.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && own.Contains(t.ValueText)))
                {
                    if (context.Types.TryGetValue(token.ValueText, out var block) && block.SyntaxTree == context.Tree)
                        context.SubmoduleTypes.Add(block);
                }
            }
            var globals = root.Members.OfType<GlobalStatementSyntax>().ToList();
            if (globals.Count > 0 && globals.Any(Names))
                RunStatements(globals.Select(g => g.Statement));
            var invoked = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Select(i => i.Expression switch { MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText, SimpleNameSyntax n => n.Identifier.ValueText, _ => null })
                .OfType<string>().ToHashSet(StringComparer.Ordinal);
            var methods = root.DescendantNodes(n => n is not BlockSyntax).OfType<TypeDeclarationSyntax>()
                .SelectMany(type => type.Members.OfType<MethodDeclarationSyntax>()
                    .Where(method => (!context.IsModuleType(type) || method.Modifiers.Any(SyntaxKind.StaticKeyword)) && Names(method))
                    .Select(method => (Type: type, Method: method)))
                .Where(m => !(m.Method.ParameterList.Parameters.Any(p => p.Default is null) && invoked.Contains(m.Method.Identifier.ValueText)))
                .OrderBy(m => m.Method.ParameterList.Parameters.Count(p => p.Default is null) == 0 ? 0 : 1)
                .ThenBy(m => m.Method.SpanStart);
            foreach (var (type, method) in methods)
                RunMethod(method, type);
            _siteInvoked.UnionWith(invoked);
        }
    }

    private readonly HashSet<string> _siteInvoked = new(StringComparer.Ordinal);

    private void IndexTypes(CompilationUnitSyntax root, ImmutableArray<SyntaxNode> units)
    {
        foreach (var unit in units)
        {
            if (unit == root && !context.Units.IsDefault)
                continue;
            foreach (var type in unit.DescendantNodesAndSelf(n => n is not BlockSyntax).OfType<TypeDeclarationSyntax>())
                context.Types.TryAdd(type.Identifier.ValueText, type);
        }
        foreach (var tree in context.WorkspaceTrees)
        {
            foreach (var type in tree.GetRoot(context.Cancellation).DescendantNodes(n => n is not BlockSyntax).OfType<TypeDeclarationSyntax>())
            {
                if (!context.AmbiguousTypes.ContainsKey(type.Identifier.ValueText) && context.Types.TryAdd(type.Identifier.ValueText, type))
                    context.ExternalTypes.Add(type);
            }
        }
        foreach (var type in context.Types.Values)
        {
            if (IsModule(type, 0))
                context.ModuleTypes.Add(type);
        }
    }

    private bool IsModule(TypeDeclarationSyntax type, int depth)
    {
        if (depth > 8 || type.BaseList is null)
            return false;
        if (context.SemanticFor(type)?.GetDeclaredSymbol(type, context.Cancellation) is INamedTypeSymbol symbol)
        {
            for (var baseType = symbol.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                if (baseType.ContainingAssembly?.Name == "TorchSharp" && baseType.Name is "Module" or "Sequential")
                    return true;
            }
        }
        var baseName = Interpreter.BaseTypeName(type.BaseList.Types.FirstOrDefault()?.Type);
        if (baseName is "Module" or "Sequential")
            return true;
        return baseName is not null && context.Types.TryGetValue(baseName, out var baseType2) && baseType2 != type && IsModule(baseType2, depth + 1);
    }

    private MethodEffects RunMethod(MethodDeclarationSyntax method, TypeDeclarationSyntax type)
    {
        var effects = new MethodEffects();
        var frame = new Frame(type, null) { Effects = effects };
        Guard(() =>
        {
            _interpreter.BindParameters(method.ParameterList, [], frame);
            var result = _interpreter.Run(method.Body, method.ExpressionBody, frame);
            if (result is ModuleValue module)
                effects.Returned.Add(module);
        }, context.Span(method.Identifier));
        return effects;
    }

    private MethodEffects RunStatements(IEnumerable<StatementSyntax> statements)
    {
        var effects = new MethodEffects();
        var frame = new Frame(null, null) { Effects = effects };
        Guard(() =>
        {
            foreach (var statement in statements)
            {
                if (_interpreter.Exec(statement, frame) == Flow.Return)
                    break;
            }
        }, null);
        return effects;
    }

    private void Guard(Action action, SourceSpan? span)
    {
        try
        {
            action();
        }
        catch (EvaluationLimitException limit)
        {
            context.Report("evaluation-limit", Severity.Information, $"the reader stopped following this code: {limit.Message}", span);
        }
    }

    private void CollectSequentials(MethodEffects effects, SyntaxNode body, TypeDeclarationSyntax? type, string methodName)
    {
        foreach (var (name, module, span, declarator) in effects.ModuleLocals)
        {
            if (module is UserModule || Find(module) is not null || !Inside(module, body))
                continue;
            // A layer held in a local and then put into a Sequential (to build parameter groups over it) is part of that model.
            if (effects.ModuleLocals.Any(other => !ReferenceEquals(other.Module, module) && other.Module.SelfAndDescendants().Skip(1).Any(m => ReferenceEquals(m, module))))
                continue;
            _models.Add(new ModelEntry(name, module, span, declarator));
        }
        foreach (var module in effects.Returned)
        {
            if (module is UserModule || Find(module) is not null || !Inside(module, body))
                continue;
            var className = type?.Identifier.ValueText ?? "Program";
            var name = _models.Any(m => m.Name == className) ? $"{className}.{methodName}" : className;
            var anchor = body is MethodDeclarationSyntax method ? context.Span(method.Identifier) : module.Span ?? context.Span(body);
            _models.Add(new ModelEntry(name, module, anchor, body));
        }
    }

    private static bool Inside(ModuleValue module, SyntaxNode body) =>
        module.Span is { } span && body.GetLocation().GetLineSpan() is var lines
        && (lines.StartLinePosition.Line < span.StartLine || (lines.StartLinePosition.Line == span.StartLine && lines.StartLinePosition.Character <= span.StartCharacter))
        && (span.EndLine < lines.EndLinePosition.Line || (span.EndLine == lines.EndLinePosition.Line && span.EndCharacter <= lines.EndLinePosition.Character));

    private ModelEntry? Find(ModuleValue? module)
    {
        if (module is null)
            return null;
        foreach (var model in _models)
        {
            if (ReferenceEquals(model.Root, module))
                return model;
        }
        foreach (var model in _models)
        {
            if (module is UserModule user && model.Root is UserModule rootUser && rootUser.Declaration == user.Declaration)
                return model;
            if (module is not UserModule && model.Root is not UserModule && module.Span is { } span && model.Root.Span == span)
                return model;
        }
        // Parameters of a submodule (a parameter group over one layer): the model that contains it.
        foreach (var model in _models)
        {
            if (model.Root.SelfAndDescendants().Any(m => ReferenceEquals(m, module)))
                return model;
        }
        return null;
    }

    private void AttachTraining(MethodEffects effects)
    {
        var trained = new List<ModelEntry>();
        foreach (var (spec, target, span) in effects.Optimizers)
        {
            var model = Find(target);
            if (model is null)
            {
                if (target is null)
                    context.Report("unresolved-value", Severity.Information, $"{spec.Name}: the reader cannot tell which model's parameters this optimizer trains", span);
                continue;
            }
            model.Optimizer ??= spec;
            trained.Add(model);
            var run = effects.ForwardCalls.Select(c => (Model: Find(c.Module), c.Span)).Where(c => c.Model is not null).ToList();
            if (run.Count > 0 && run.All(c => c.Model != model))
            {
                context.Report("optimizer-wrong-model", Severity.Warning,
                    $"{spec.Name} trains the parameters of '{model.Name}' but this method runs '{run[0].Model!.Name}'.forward: the model that runs is never updated",
                    span, model.Name);
            }
        }
        foreach (var model in trained.Distinct())
        {
            if (effects.Losses.Count > 0)
                model.Loss ??= effects.Losses[0];
            foreach (var (schedule, optimizer) in effects.Schedules)
            {
                if (optimizer is null || Find(optimizer.Target) == model)
                    model.Schedule ??= schedule;
            }
            if (effects.BatchSizes.Count > 0)
                model.BatchSize ??= effects.BatchSizes[0].Size;
        }
    }

    private ModelGraph Build(ModelEntry model)
    {
        var trace = new GraphTrace();
        var inputCount = model.Root is UserModule user
            ? Math.Max(1, _interpreter.FindMethods(user.Declaration, "forward").FirstOrDefault()?.ParameterList.Parameters.Count ?? 1)
            : 1;
        var inputs = new List<Value>();
        for (var i = 0; i < inputCount; i++)
            inputs.Add(new TensorValue(trace.Add(new Input(TensorShape.UnknownRank), [], i == 0 ? "input" : $"input{i}", null)));
        Value output = new UnknownValue("forward was not followed");
        try
        {
            output = _interpreter.Apply(model.Root, inputs, new Frame(null, null) { Trace = trace }, model.Anchor);
        }
        catch (EvaluationLimitException limit)
        {
            context.Report("evaluation-limit", Severity.Information, $"the reader stopped following forward of '{model.Name}': {limit.Message}", model.Span, model.Name);
        }
        var outputNode = output switch
        {
            TensorValue t => t.Node,
            TupleValue { Items: [TensorValue first, ..] } => first.Node,
            _ => trace.Nodes.Count - 1,
        };
        if (output is UnknownValue unknown && trace.Nodes.Count > inputCount)
        {
            context.Report("unresolved-value", Severity.Information, $"the output of '{model.Name}'.forward is not followed ({unknown.Reason}); the last traced node is taken as the output", model.Span, model.Name);
        }

        var declaredShape = InputShapeComment.Find(model.Anchor) ?? context.Settings.InputShapeOf(model.Name);
        var builder = new GraphBuilder(model.Name, ModelOrigin.TorchSharp, declaredShape ?? InferInputShape(trace, 0), 1.0);
        foreach (var node in trace.Nodes.Skip(1))
        {
            if (node.Op is Input)
            {
                builder.Add(new Input(InferInputShape(trace, node.Id)), [], node.Name, node.Span);
                continue;
            }
            var (weightInit, biasInit) = Inits(node);
            builder.Add(node.Op, node.Inputs, node.Name, node.Span, weightInit, biasInit);
        }
        ReportModuleFindings(model, trace);
        var training = new TrainingSetup(model.Optimizer, model.Loss, model.BatchSize, model.Schedule);
        var graph = builder.Build(training, model.Span, outputNode);
        var uncounted = RawParameterFields(model);
        if (uncounted.Count == 0)
            return graph;
        context.Report("parameter-not-counted", Severity.Warning,
            $"'{model.Name}' owns raw Parameter field(s) {string.Join(", ", uncounted.Select(u => $"'{u}'"))} whose size the reader does not evaluate: " +
            $"its parameter count ({graph.ParameterCount:N0}) is a lower bound, and they are not part of the predictions", model.Span, model.Name);
        return graph with { UncountedParameters = [.. uncounted] };
    }

    /// <summary>
    /// Fields and properties of the model's user classes that hold a raw <c>Parameter</c> (declared with that type or
    /// initialised with <c>Parameter(...)</c>): trainable tensors outside any layer, which <c>parameters()</c> counts.
    /// </summary>
    private static List<string> RawParameterFields(ModelEntry model)
    {
        var result = new List<string>();
        if (model.Root is not UserModule root)
            return result;
        foreach (var user in root.SelfAndDescendants().OfType<UserModule>().DistinctBy(u => u.Declaration))
        {
            foreach (var member in user.Declaration.Members)
            {
                switch (member)
                {
                    case Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            if (IsParameterType(field.Declaration.Type) || IsParameterCreation(variable.Initializer?.Value))
                                result.Add($"{user.TypeName}.{variable.Identifier.ValueText}");
                        }
                        break;
                    case Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property
                        when IsParameterType(property.Type) || IsParameterCreation(property.Initializer?.Value):
                        result.Add($"{user.TypeName}.{property.Identifier.ValueText}");
                        break;
                }
            }
        }
        return result;
    }

    private static bool IsParameterType(Microsoft.CodeAnalysis.CSharp.Syntax.TypeSyntax type) =>
        type.ToString().Split('.').Last().TrimEnd('?') == "Parameter";

    private static bool IsParameterCreation(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax? expression) => expression switch
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax creation => IsParameterType(creation.Type),
        Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax invocation => invocation.Expression.ToString().Split('.').Last() == "Parameter",
        _ => false,
    };

    private static (InitSpec? Weight, InitSpec? Bias) Inits(GraphTrace.PendingNode node)
    {
        var op = node.Op is SharedWeights shared ? shared.Inner : node.Op;
        var hasBias = op switch
        {
            Linear l => l.HasBias,
            Conv c => c.HasBias,
            _ => false,
        };
        InitSpec? defaultWeight = op switch
        {
            Embedding or EmbeddingBag => new NormalInit(0, 1),
            _ when op.Fans is not null => TorchDefaultInit.Instance,
            _ => null,
        };
        var weight = node.Module?.WeightInit ?? defaultWeight;
        var bias = hasBias ? node.Module?.BiasInit ?? TorchDefaultInit.Instance : null;
        return (weight, bias);
    }

    /// <summary>The input shape implied by the first op that consumes the input: Linear → [in], Conv → [channels, ?...].</summary>
    private static TensorShape InferInputShape(GraphTrace trace, int inputNode)
    {
        var current = inputNode;
        for (var hops = 0; hops < 16; hops++)
        {
            var consumer = trace.Nodes.FirstOrDefault(n => n.Inputs.Contains(current) && n.Op is not Input);
            if (consumer is null)
                return TensorShape.UnknownRank;
            var op = consumer.Op is SharedWeights shared ? shared.Inner : consumer.Op;
            switch (op)
            {
                case Recurrent recurrent:
                    return new TensorShape([null, recurrent.InputSize]);
                case MultiheadAttention attention:
                    return new TensorShape([null, consumer.Inputs.Length > 1 && consumer.Inputs[1] == current ? attention.KDim ?? attention.EmbedDim
                        : consumer.Inputs.Length > 2 && consumer.Inputs[2] == current ? attention.VDim ?? attention.EmbedDim : attention.EmbedDim]);
                case TransformerEncoderLayer layer:
                    return new TensorShape([null, layer.DModel]);
                case TransformerEncoder encoder:
                    return new TensorShape([null, encoder.Layer.DModel]);
                case Linear linear:
                    return TensorShape.Of(linear.InFeatures);
                case Conv conv:
                    return new TensorShape(ImmutableArray.Create<long?>(conv.InChannels).AddRange(Enumerable.Repeat<long?>(null, conv.SpatialDims)));
                case LayerNorm norm:
                    return TensorShape.Of(norm.NormalizedShape.ToArray());
                case BatchNorm batchNorm when batchNorm.SpatialDims <= 1:
                    return TensorShape.Of(batchNorm.NumFeatures);
                case BatchNorm batchNorm:
                    return new TensorShape(ImmutableArray.Create<long?>(batchNorm.NumFeatures).AddRange(Enumerable.Repeat<long?>(null, batchNorm.SpatialDims)));
                case Activation { IsElementwise: true } or Dropout or TensorOp { PreservesShape: true }:
                    current = consumer.Id;
                    continue;
                default:
                    return TensorShape.UnknownRank;
            }
        }
        return TensorShape.UnknownRank;
    }

    private void ReportModuleFindings(ModelEntry model, GraphTrace trace)
    {
        if (model.Root is UserModule root)
        {
            var hasModules = root.ModuleFields().Any() || root.Extra.Count > 0;
            if (hasModules && !root.RegisterComponentsCalled && root.SequentialBase is null)
            {
                context.Report("missing-register-components", Severity.Warning,
                    $"'{model.Name}' never calls RegisterComponents(): parameters() returns none of its layers, so an optimizer trains nothing",
                    model.Span, model.Name);
            }
            foreach (var (field, span) in root.AssignedAfterRegister)
            {
                context.Report("field-assigned-after-register", Severity.Warning,
                    $"'{field}' is assigned after RegisterComponents() ran: TorchSharp does not register it and its weights are never trained",
                    span, model.Name);
            }
        }
        foreach (var module in model.Root.SelfAndDescendants())
        {
            if (trace.Used.Contains(module) || module is ContainerModule { IsSequential: false } || ReferenceEquals(module, model.Root))
                continue;
            if (module is UserModule or ContainerModule && module.SelfAndDescendants().Skip(1).Any(trace.Used.Contains))
                continue;
            var parameters = module is LayerModule layer ? layer.Op.ParameterCount : 0;
            context.Report("module-not-used", Severity.Warning,
                $"'{module.LocalName ?? module.TypeName}' ({module.TypeName}) is constructed but forward never uses it" +
                (parameters > 0 ? $"; its {parameters:N0} parameters are never trained" : ""),
                module.Span, model.Name);
        }
    }
}
