using LearningMechanics.Model.Ops;
using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Layers beyond the basics: TorchSharp's signatures, honest unknowns, and activations whose arguments change the function.</summary>
public sealed class LayerCatalogTests
{
    private const string Usings = "using TorchSharp;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";

    private static Op[] Ops(string layers) =>
        Single(Usings + $"static class C {{ static void M() {{ var net = Sequential({layers}); }} }}").Nodes.Skip(1).Select(n => n.Op).ToArray();

    [Fact]
    public void Hardtanh_And_Softplus_WithNonDefaultArguments_AreNotTheTabulatedActivation()
    {
        var ops = Ops("Linear(2, 2), Hardtanh(), Hardtanh(-2, 2), Softplus(), Softplus(beta: 2)");
        Assert.Equal(ActivationKind.Hardtanh, Assert.IsType<Activation>(ops[1]).Function);
        Assert.Equal("Hardtanh(-2, 2)", Assert.IsType<OtherActivation>(ops[2]).Describe());
        Assert.Equal(ActivationKind.Softplus, Assert.IsType<Activation>(ops[3]).Function);
        Assert.IsType<OtherActivation>(ops[4]);
    }

    [Fact]
    public void PReLU_DefaultsToOneSharedSlope_AndChecksChannels()
    {
        var ops = Ops("Linear(2, 3), PReLU(), PReLU(num_parameters: 3, init: 0.1)");
        Assert.Equal(1, ops[1].ParameterCount);
        Assert.Equal(new PReLU(3, 0.1), ops[2]);
        var model = Single(Usings + "// [InputShape(4, 5, 5)]\nstatic class C { static void M() { var net = Sequential(Conv2d(4, 6, 1), PReLU(4)); } }");
        Assert.Contains(model.InferShapes().Findings, f => f.Message.Contains("PReLU has 4 slopes", StringComparison.Ordinal));
    }

    [Fact]
    public void InstanceNorm_IsNotAffineByDefault()
    {
        var ops = Ops("Conv1d(2, 4, 3), InstanceNorm1d(4), InstanceNorm3d(4, affine: true)");
        Assert.Equal(0, ops[1].ParameterCount);
        Assert.Equal(8, ops[2].ParameterCount);
    }

    [Fact]
    public void Upsample_WithoutSizeOrScale_IsUnknownWithReason()
    {
        var ops = Ops("Conv2d(1, 1, 1), Upsample(), Upsample(size: new long[] { 7, 9 })");
        Assert.Contains("neither size nor scale_factor", Assert.IsType<UnknownOp>(ops[1]).Reason);
        Assert.Equal([7L, 9L], Assert.IsType<Upsample>(ops[2]).Size.ToArray());
    }

    [Fact]
    public void Padding_TupleAndScalarForms_GrowTheLastDimensions()
    {
        var model = Single(Usings + "static class C { static void M() {\n// [InputShape(2, 5, 5)]\nvar net = Sequential(ZeroPad2d(1), ConstantPad2d((0, 1, 2, 3), 0.5), ReflectionPad1d(2)); } }");
        // 5x5 → ZeroPad 7x7 → (top 2, bottom 3; left 0, right 1) 12x8 → ReflectionPad1d(2) on the last dimension 12x12
        var shapes = model.InferShapes();
        Assert.Equal("[2, 12, 12]", shapes.OutputOf(model.Output).ToString());
        Assert.Empty(shapes.Findings);
    }

    [Fact]
    public void ConstantPad_WithoutValue_IsUnknownWithReason() =>
        Assert.Contains("'value' is missing", Assert.IsType<UnknownOp>(Ops("Linear(2, 2), ConstantPad1d(2)")[1]).Reason);

    [Fact]
    public void Unflatten_ThatDoesNotDivide_IsAShapeFinding()
    {
        var model = Single(Usings + "static class C { static void M() { var net = Sequential(Linear(4, 10), Unflatten(1, new long[] { 3, 3 })); } }");
        Assert.Contains(model.InferShapes().Findings, f => f.Message.Contains("cannot split 10", StringComparison.Ordinal));
    }
}
