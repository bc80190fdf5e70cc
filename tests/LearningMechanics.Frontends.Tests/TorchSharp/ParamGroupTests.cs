using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Optimizer parameter groups: per-group rates, the optimizer's rate for a group that sets none, unknown rates.</summary>
public sealed class ParamGroupTests
{
    private const string Usings = "using TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";

    [Fact]
    public void GroupWithoutOptions_TakesTheOptimizersRate()
    {
        var model = Single(Usings + """
            static class C { static void M() {
                var a = Linear(2, 3); var b = Linear(3, 1); var net = Sequential(a, b);
                var o = optim.Adam(new Adam.ParamGroup[] { new() { Parameters = a.parameters() }, new() { Parameters = b.parameters(), Options = new() { LearningRate = 0.01 } } }, lr: 0.003);
            } }
            """);
        var optimizer = model.Training.Optimizer!;
        Assert.Equal([0.003, 0.01], optimizer.Groups.Select(g => g.LearningRate.Value).ToArray());
        Assert.Equal(0.01, optimizer.LearningRate.Value);
    }

    [Fact]
    public void GroupRateFromAnUnknownParameter_MakesTheOptimizerRateUnknown()
    {
        var model = Single(Usings + """
            static class C { static void M(double rate) {
                var a = Linear(2, 3); var net = Sequential(a, ReLU());
                var o = optim.SGD(new[] { new SGD.ParamGroup(a.parameters(), lr: rate) }, 0.1);
            } }
            """);
        var rate = model.Training.Optimizer!.LearningRate;
        Assert.False(rate.IsKnown);
        Assert.Contains("parameter group", rate.Reason);
        Assert.Contains("rate", rate.Reason);
    }
}
