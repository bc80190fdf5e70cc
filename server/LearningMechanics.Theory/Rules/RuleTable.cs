using System.Collections.Immutable;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Theory.Rules;

/// <summary>
/// Every op kind of the model, mapped to its kernel rule or to "no theory: why" (<see cref="NoTheoryRule"/>).
/// A reflection test fails when an <see cref="Op"/> type of the Model assembly has no entry.
/// </summary>
public static class RuleTable
{
    public static ImmutableDictionary<Type, IOpRule> Rules { get; } = new Dictionary<Type, IOpRule>
    {
        [typeof(Input)] = new InputRule(),
        [typeof(Linear)] = new LinearRule(),
        [typeof(Conv)] = new LinearRule(),
        [typeof(Activation)] = new ActivationOpRule(),
        [typeof(Dropout)] = new DropoutRule(),
        [typeof(LayerNorm)] = new LayerNormRule(),
        [typeof(BatchNorm)] = new BatchNormRule(),
        [typeof(Add)] = new AddRule(),
        [typeof(Concat)] = new ConcatRule(),
        [typeof(Flatten)] = new PassThroughRule(),
        [typeof(Embedding)] = new EmbeddingRule(),
        [typeof(Pool)] = new PoolRule(),
        [typeof(GroupNorm)] = new GroupNormRule(),
        [typeof(UnknownOp)] = new UnknownOpRule(),
        [typeof(TensorOp)] = new NoTheoryRule("an arbitrary tensor operation (transpose, mean, product) has no kernel rule"),
    }.ToImmutableDictionary();

    /// <summary>
    /// Op kinds keyed by type name: records being added to the Model alongside this table, so the table does not have to
    /// reference them before they exist. Move an entry to <see cref="Rules"/> when it gets a real rule.
    /// </summary>
    public static ImmutableDictionary<string, IOpRule> RulesByName { get; } = new Dictionary<string, IOpRule>
    {
        ["MultiheadAttention"] = new NoTheoryRule("attention (softmax over positions) is outside the mean-field kernels here (THEORY.md §13)"),
        ["TransformerEncoderLayer"] = new NoTheoryRule("attention (softmax over positions) is outside the mean-field kernels here (THEORY.md §13)"),
        ["TransformerEncoder"] = new NoTheoryRule("attention (softmax over positions) is outside the mean-field kernels here (THEORY.md §13)"),
        ["Recurrent"] = new NoTheoryRule("recurrent cells share weights across time steps, which the i.i.d.-layer mean field does not cover (THEORY.md §2)"),
        ["EmbeddingBag"] = new NoTheoryRule("the bag reduction (sum, mean or max over a variable number of rows) is not modelled"),
        ["Reshape"] = new PassThroughRule(),
        ["PReLU"] = new PReLURule(),
        ["InstanceNorm"] = new NoTheoryRule("per-sample, per-channel normalisation over spatial positions: the statistics depend on the spatial correlations of one input, which the i.i.d.-unit kernels do not track"),
        ["Bilinear"] = new NoTheoryRule("a product of two inputs (x1^T A x2) is not an affine map of one Gaussian input"),
        ["Upsample"] = new NoTheoryRule("interpolation (other than nearest) mixes neighbouring positions, whose correlation the kernels do not track"),
        ["Unflatten"] = new PassThroughRule(),
        ["Pad"] = new NoTheoryRule("padded positions are constants, not Gaussian units, so the per-unit kernel is no longer uniform"),
        ["OtherActivation"] = new NoTheoryRule("the Gaussian moments of this activation (or of these arguments) are not tabulated"),
        ["SharedWeights"] = new NoTheoryRule("weights reused from another node are not independent of it, which the i.i.d.-layer mean field assumes"),
    }.ToImmutableDictionary();

    /// <summary>True when the op type has a rule or a no-theory entry.</summary>
    public static bool Covers(Type opType) => Rules.ContainsKey(opType) || RulesByName.ContainsKey(opType.Name);

    /// <summary>The rule for an op; ops of a kind missing from the table (a bug the reflection test catches) get a no-theory rule.</summary>
    public static IOpRule For(Op op) =>
        Rules.TryGetValue(op.GetType(), out var rule) ? rule
        : RulesByName.TryGetValue(op.GetType().Name, out var byName) ? byName
        : new NoTheoryRule($"no rule registered for op type {op.GetType().Name}");
}
