using LearningMechanics.Model.Ops;
using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Single idioms that the fixture corpus does not isolate.</summary>
public sealed class IdiomTests
{
    private const string Usings = "using TorchSharp;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";

    [Fact]
    public void Conv2d_PositionalPaddingOverload_BindsThroughSemanticModel()
    {
        var model = Single(Usings + "static class C { static void M() { var net = Sequential(Conv2d(3, 8, 3, Padding.Same, 2)); } }");
        var conv = Assert.IsType<Conv>(model.Nodes[1].Op);
        Assert.Equal([1L, 1L], conv.Padding.ToArray());
        Assert.Equal([2L, 2L], conv.Stride.ToArray());
    }

    [Fact]
    public void Optimizer_RateFromUnknownParameter_IsUnknownWithReason()
    {
        var result = Read(Usings + "static class C { static void M(double rate) { var net = Sequential(Linear(2, 2)); var o = optim.SGD(net.parameters(), rate); } }");
        var rate = Assert.Single(result.Models).Training.Optimizer!.LearningRate;
        Assert.False(rate.IsKnown);
        Assert.Contains("rate", rate.Reason);
        Assert.NotNull(rate.Span);
    }

    [Fact]
    public void Garbage_NeverThrows()
    {
        foreach (var text in new[] { "", "class", "class C : Module<Tensor,Tensor> { Linear(", "var x = Sequential(((((", "}}}{{{", "class C { C() : this() {} }", "class C : Module<Tensor, Tensor> { C() : base(\"c\") { RegisterComponents(); } public override Tensor forward(Tensor x) => forward(x); }" })
        {
            var result = Read(text);
            Assert.DoesNotContain(result.Findings, f => f.Code == "reader-internal-error");
        }
    }

    [Fact]
    public void EndlessLoop_StopsWithEvaluationLimit()
    {
        var result = Read(Usings + "static class C { static void M() { var n = 1; while (true) { n = n + 1; } var net = Sequential(Linear(n, 2)); } }");
        Assert.Contains(result.Findings, f => f.Code == "evaluation-limit");
    }

    [Fact]
    public void UnknownConstructorArgument_UnknownNodeNamesTheParameter()
    {
        var model = Single(Usings + "public class M : Module<Tensor, Tensor> { Module<Tensor, Tensor> fc; public M(int inputs) : base(\"m\") { fc = Linear(inputs, 4); RegisterComponents(); } public override Tensor forward(Tensor x) => fc.forward(x); }");
        var unknown = Assert.IsType<UnknownOp>(model.Nodes[1].Op);
        Assert.Contains("'inputs'", unknown.Reason);
        Assert.True(model.HasUnknownOps);
    }
}
