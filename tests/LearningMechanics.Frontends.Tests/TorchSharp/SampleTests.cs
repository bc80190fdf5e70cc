using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>The six files in samples/ read exactly.</summary>
public sealed class SampleTests
{
    [Fact]
    public void Mlp3_NamedTupleSequential_ThreeLinearTwoRelu()
    {
        var result = ReadFile(RepoPaths.Samples("Mlp3.cs"));
        var model = ModelNamed(result, "model");
        Assert.Equal("Input[784] Linear(784→128) ReLU Linear(128→64) ReLU Linear(64→10)", Architecture(model));
        Assert.Equal(109_386, model.ParameterCount);
        Assert.Equal(["input", "fc1", "relu1", "fc2", "relu2", "fc3"], model.Nodes.Select(n => n.Name));
        Assert.Equal(1.0, ((Input)model.Nodes[0].Op).SecondMoment);
        Assert.Equal(OptimizerKind.Sgd, model.Training.Optimizer!.Kind);
        Assert.Equal(0.01, model.Training.Optimizer.LearningRate.Value);
        Assert.Equal(LossKind.CrossEntropy, model.Training.Loss!.Kind);
        Assert.Equal(LossReduction.Mean, model.Training.Loss.Reduction);
        // The node span is exactly the constructor call, so hovers inside it find the node.
        var fc1 = model.Nodes[1];
        Assert.Equal((12, 20, 12, 36), (fc1.Span!.Value.StartLine, fc1.Span.Value.StartCharacter, fc1.Span.Value.EndLine, fc1.Span.Value.EndCharacter));
        Assert.Same(fc1, model.NodeAt(12, 25));
        Assert.Equal(11, model.Span!.Value.StartLine);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DeepReluDefaultInit_FunctionalRelu_DefaultInit()
    {
        var result = ReadFile(RepoPaths.Samples("DeepReluDefaultInit.cs"));
        var model = ModelNamed(result, "DeepReluDefaultInit");
        Assert.Equal(10, model.Nodes.Count(n => n.Op is Linear));
        Assert.Equal(9, model.Nodes.Count(n => n.Op is Activation { Function: ActivationKind.ReLU }));
        Assert.True(model.IsChain);
        Assert.Equal("Input[784]", Render(model.Nodes[0].Op));
        Assert.All(model.WeightNodes, n => Assert.IsType<TorchDefaultInit>(n.WeightInit));
        Assert.All(model.WeightNodes, n => Assert.Null(n.WeightInit!.Span));
        Assert.Equal(784L * 256 + 256 + 8 * (256L * 256 + 256) + 256 * 10 + 10, model.ParameterCount);
        Assert.Equal("fc10", model.Nodes[^1].Name);
        Assert.Equal(model.Nodes.Length - 1, model.Output);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DeepReluHeInit_ForeachOverModules_InitsEveryLinear()
    {
        var result = ReadFile(RepoPaths.Samples("DeepReluHeInit.cs"));
        var model = ModelNamed(result, "DeepReluHeInit");
        Assert.Equal(10, model.Nodes.Count(n => n.Op is Linear));
        Assert.Equal(9, model.Nodes.Count(n => n.Op is Activation { Function: ActivationKind.ReLU }));
        foreach (var node in model.WeightNodes)
        {
            var weight = Assert.IsType<KaimingInit>(node.WeightInit);
            Assert.False(weight.Uniform);
            Assert.Equal("relu", weight.Nonlinearity);
            Assert.NotNull(weight.Span);
            Assert.Equal(2.0, node.SigmaW2!.Value, 9);
            Assert.Equal(new ConstantInit(0) { Span = node.BiasInit!.Span }, node.BiasInit);
        }
        Assert.Equal("layers.0", model.Nodes[1].Name);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void DeepTanh_ThirtyLinear_AdamMse()
    {
        var result = ReadFile(RepoPaths.Samples("DeepTanh.cs"));
        var model = ModelNamed(result, "model");
        // The sample's comment says thirty tanh layers; the code has 1 + 9 * 3 + 1 + 1 = 30 Linear and 29 Tanh.
        Assert.Equal(30, model.Nodes.Count(n => n.Op is Linear));
        Assert.Equal(29, model.Nodes.Count(n => n.Op is Activation { Function: ActivationKind.Tanh }));
        Assert.True(model.IsChain);
        Assert.Equal("Input[64]", Render(model.Nodes[0].Op));
        Assert.Equal(64L * 128 + 128 + 28 * (128L * 128 + 128) + 128 + 1, model.ParameterCount);
        var optimizer = model.Training.Optimizer!;
        Assert.Equal(OptimizerKind.Adam, optimizer.Kind);
        Assert.Equal(1e-3, optimizer.LearningRate.Value);
        Assert.True(optimizer.LearningRate.IsKnown);
        Assert.NotNull(optimizer.LearningRate.Span);
        Assert.Equal(LossKind.Mse, model.Training.Loss!.Kind);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void ShapeMismatch_ShapeInferenceReportsAtSecondLinear()
    {
        var result = ReadFile(RepoPaths.Samples("ShapeMismatch.cs"));
        var model = Assert.Single(result.Models);
        Assert.Equal("Input[784] Linear(784→256) ReLU Linear(128→10)", Architecture(model));
        var shapes = model.InferShapes();
        var finding = Assert.Single(shapes.Findings);
        Assert.Equal("shape-mismatch", finding.Code);
        var text = File.ReadAllLines(RepoPaths.Samples("ShapeMismatch.cs"));
        var span = finding.Span!.Value;
        Assert.Equal("Linear(128, 10)", text[span.StartLine][span.StartCharacter..span.EndCharacter]);
    }

    [Fact]
    public void LrInLocal_ConstructorArgumentsAndLocalRate()
    {
        var result = ReadFile(RepoPaths.Samples("LrInLocal.cs"));
        var model = ModelNamed(result, "Regressor");
        Assert.Equal("Input[32] Linear(32→512) GELU Linear(512→1)", Architecture(model));
        Assert.Equal(32L * 512 + 512 + 512 + 1, model.ParameterCount);
        Assert.Equal(["input", "hidden", "activation", "output"], model.Nodes.Select(n => n.Name));
        var optimizer = model.Training.Optimizer!;
        Assert.Equal(OptimizerKind.Sgd, optimizer.Kind);
        Assert.Equal(0.05, optimizer.LearningRate.Value);
        Assert.Equal("local learningRate", optimizer.LearningRate.Source);
        var text = File.ReadAllLines(RepoPaths.Samples("LrInLocal.cs"));
        var span = optimizer.LearningRate.Span!.Value;
        Assert.Equal("learningRate", text[span.StartLine][span.StartCharacter..span.EndCharacter]);
        Assert.Equal(0.9, optimizer.Momentum);
        Assert.Equal(LossKind.Mse, model.Training.Loss!.Kind);
        Assert.Equal("Regressor", text[model.Span!.Value.StartLine][model.Span.Value.StartCharacter..model.Span.Value.EndCharacter]);
        Assert.Empty(result.Findings);
    }
}
