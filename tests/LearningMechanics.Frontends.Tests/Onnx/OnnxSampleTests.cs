using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Frontends.Tests.TorchSharp;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Frontends.Tests.Onnx;

/// <summary>
/// samples/onnx/mlp.onnx, the editor's ONNX sample: generated here (written when missing or with UPDATE_EXPECT=1) and
/// committed, so the bytes stay reproducible from this code.
/// </summary>
public sealed class OnnxSampleTests
{
    [Fact]
    public void Sample_MlpOnnx_IsTheGeneratedFileAndReads()
    {
        var path = RepoPaths.Samples(Path.Combine("onnx", "mlp.onnx"));
        var expected = Generate();
        if (!File.Exists(path) || Environment.GetEnvironmentVariable("UPDATE_EXPECT") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, expected);
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
        var result = OnnxReader.Read(path);
        Assert.Equal(["Input", "Linear", "ReLU", "Linear", "ReLU", "Linear"], result.Models.Single().Nodes.Select(n => n.Op.Kind));
        Assert.DoesNotContain(result.Models.Single().Nodes, n => n.Op is UnknownOp);
    }

    /// <summary>16 → 32 → ReLU → 32 → ReLU → 4, He-scaled Gaussian weights (seed 42), about 7 KB.</summary>
    private static byte[] Generate()
    {
        var f = new OnnxModelFactory("mlp_sample", seed: 42);
        var h = f.Input("x", null, 16);
        h = f.Node("Gemm", [h, f.Weight("fc1.weight", [32, 16], 16), f.Bias("fc1.bias", 32)], OnnxModelFactory.Int("transB", 1));
        h = f.Node("Relu", [h]);
        h = f.Node("Gemm", [h, f.Weight("fc2.weight", [32, 32], 32), f.Bias("fc2.bias", 32)], OnnxModelFactory.Int("transB", 1));
        h = f.Node("Relu", [h]);
        h = f.Node("Gemm", [h, f.Weight("fc3.weight", [4, 32], 32, gain: 1), f.Bias("fc3.bias", 4)], OnnxModelFactory.Int("transB", 1));
        f.Output(h, null, 4);
        var folder = Path.Combine(Path.GetTempPath(), "lm-sample-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            return File.ReadAllBytes(f.Save(Path.Combine(folder, "mlp.onnx")));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
