using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory.Tests.Rules;

public sealed class RuleTableTests
{
    [Fact]
    public void EveryOpType_HasARuleOrANoTheoryReason()
    {
        // Like NodaTime's MutabilityTest: a new Op record without an entry fails here.
        var opTypes = typeof(Op).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToList();
        Assert.NotEmpty(opTypes);
        var missing = opTypes.Where(t => !RuleTable.Covers(t)).Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, "op types without a rule: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryRule_DescribesItself() =>
        Assert.All(RuleTable.Rules.Values.Concat(RuleTable.RulesByName.Values), rule => Assert.False(string.IsNullOrWhiteSpace(rule.Describe())));

    [Theory]
    [InlineData(ActivationKind.Softmax)]
    [InlineData(ActivationKind.LogSoftmax)]
    public void Activations_NotElementwise_HaveNoRule(ActivationKind kind) => Assert.Null(Activations.For(new Activation(kind)));

    [Fact]
    public void Activations_EveryElementwiseKind_HasARule()
    {
        var elementwise = Enum.GetValues<ActivationKind>().Where(k => new Activation(k).IsElementwise);
        Assert.All(elementwise, kind => Assert.NotNull(Activations.For(new Activation(kind))));
    }
}
