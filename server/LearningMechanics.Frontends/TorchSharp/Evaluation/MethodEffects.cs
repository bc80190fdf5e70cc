using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Frontends.TorchSharp.Evaluation;

/// <summary>What running one top-level method produced: module locals, returned modules, optimizers, losses and schedules.</summary>
internal sealed class MethodEffects
{
    public List<(string Name, ModuleValue Module, SourceSpan Span, Microsoft.CodeAnalysis.SyntaxNode Declarator)> ModuleLocals { get; } = [];

    public List<ModuleValue> Returned { get; } = [];

    public List<(OptimizerSpec Spec, ModuleValue? Target, SourceSpan Span)> Optimizers { get; } = [];

    public List<LossSpec> Losses { get; } = [];

    public List<(ScheduleSpec Spec, OptimizerValue? Optimizer)> Schedules { get; } = [];

    public List<(Fact<long> Size, SourceSpan Span)> BatchSizes { get; } = [];

    /// <summary>Modules whose <c>forward</c> the method calls (to check the optimizer trains the model it runs).</summary>
    public List<(ModuleValue Module, SourceSpan Span)> ForwardCalls { get; } = [];
}
