using LearningMechanics.Frontends.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>ONNX Runtime as a second reader of every generated model: it must load and run them, and agree on inputs, outputs and shapes.</summary>
public sealed class OnnxRuntimeCrossCheckTests
{
    public static TheoryData<string> Models => ["mlp", "patterns", "cnn", "residual", "external"];

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedModel_LoadsAndRunsInOnnxRuntime_WithTheOutputShapeTheReaderInfers(string name)
    {
        using var folder = new TempFolder();
        var factory = name switch
        {
            "mlp" => TestModels.Mlp(),
            "patterns" => TestModels.PatternMlp(),
            "cnn" => TestModels.SmallCnn(),
            "residual" => TestModels.ResidualBlock(),
            _ => TestModels.Mlp(),
        };
        if (name == "external")
            factory.MoveToExternal(folder.Path, "weights.bin");
        var path = factory.Save(folder.File(name + ".onnx"));
        var read = OnnxReader.Read(path);
        var graph = Assert.Single(read.Models);

        using var session = new InferenceSession(path);
        var input = Assert.Single(session.InputMetadata);
        var dims = input.Value.Dimensions.Select(d => d < 0 ? 2 : d).ToArray();
        var data = new DenseTensor<float>(Enumerable.Repeat(0.5f, dims.Aggregate(1, (a, d) => a * d)).ToArray(), dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input.Key, data)]);
        var output = results.First().AsTensor<float>();

        var predicted = graph.InferShapes().OutputOf(graph.Output);
        Assert.Equal([2, .. predicted.Dims.Select(d => (int)d!.Value)], output.Dimensions.ToArray());
        Assert.All(output.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(session.InputMetadata.Keys, [factory.Graph.Input[0].Name]);
    }
}
