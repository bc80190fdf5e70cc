using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Model.Ops;
using static LearningMechanics.Frontends.Tests.Onnx.OnnxModelFactory;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>Shapes of corrupted files the mutation run (bench/onnx mutations) found throwing; each now reads with findings.</summary>
public sealed class MutantRegressionTests
{
    [Theory]
    [InlineData("strides", 0L)]
    [InlineData("dilations", 0L)]
    [InlineData("kernel_shape", 0L)]
    [InlineData("pads", -1L)]
    public void Conv_WithANonPositiveStrideDilationKernelOrNegativePad_IsUnknownNotADivisionByZero(string attribute, long value)
    {
        using var folder = new TempFolder();
        var f = new OnnxModelFactory("bad_conv");
        var x = f.Input("x", null, 3, 8, 8);
        var count = attribute == "pads" ? 4 : 2;
        var attributes = new[] { Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("dilations", 1, 1), Ints("pads", 1, 1, 1, 1) }
            .Select(a => a.Name == attribute ? Ints(attribute, Enumerable.Repeat(value, count).ToArray()) : a).ToArray();
        var h = f.Node("Conv", [x, f.Weight("w", [4, 3, 3, 3], 27)], attributes);
        f.Node("MaxPool", [h], Ints("kernel_shape", 2, 2), Ints("strides", 0, 0));

        var result = OnnxReader.Read(f.Save(folder.File("bad.onnx")));

        var graph = Assert.Single(result.Models);
        Assert.IsType<UnknownOp>(graph.Nodes[1].Op);
        Assert.IsType<UnknownOp>(graph.Nodes[2].Op);
        Assert.Equal(1, result.Report!.UnknownOps["Conv"]);
        Assert.Equal(1, result.Report.UnknownOps["MaxPool"]);
    }

    [Theory]
    [InlineData("Erf")]
    [InlineData("Tanh")]
    public void GeluPattern_WhoseLastNodeHasNoOutput_IsNotFusedAndDoesNotThrow(string inner)
    {
        using var folder = new TempFolder();
        var f = new OnnxModelFactory("gelu_no_output");
        var x = f.Input("x", null, 8);
        var h = f.Node("MatMul", [x, f.Weight("w", [8, 8], 8)]);
        var i = inner == "Erf" ? f.Node("Erf", [f.Node("Div", [h, f.Scalar("sqrt2", MathF.Sqrt(2))])]) : f.Node("Tanh", [h]);
        var onePlus = f.Node("Add", [i, f.Scalar("one", 1)]);
        // The product node of the pattern lost its output (a mutation the run produced).
        f.Graph.Node.Add(new Frontends.Onnx.Proto.NodeProto { OpType = "Mul", Name = "product", Input = { h, onePlus } });
        f.Output(onePlus, null, 8);

        var result = OnnxReader.Read(f.Save(folder.File("gelu.onnx")));

        var graph = Assert.Single(result.Models);
        Assert.DoesNotContain(graph.Nodes, n => n.Op is Activation { Function: ActivationKind.GELU });
        Assert.DoesNotContain(result.Findings, finding => finding.Code == "onnx-unreadable");
    }
}
