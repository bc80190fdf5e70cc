namespace LearningMechanics.Frontends.Tests.Onnx;

using static OnnxModelFactory;

/// <summary>The models the ONNX tests generate: an MLP (Gemm), an MLP with exporter patterns (MatMul + Add, Erf GELU, SiLU), a small CNN, a residual block.</summary>
internal static class TestModels
{
    /// <summary>784 → 64 → ReLU → 32 → Tanh → 10 with Gemm (transB = 1, the PyTorch export) and He-scaled weights.</summary>
    public static OnnxModelFactory Mlp(int seed = 1)
    {
        var f = new OnnxModelFactory("mlp", seed);
        var x = f.Input("x", null, 784);
        var h = f.Node("Gemm", [x, f.Weight("fc1.weight", [64, 784], 784), f.Bias("fc1.bias", 64)], Int("transB", 1));
        h = f.Node("Relu", [h]);
        h = f.Node("Gemm", [h, f.Weight("fc2.weight", [32, 64], 64), f.Bias("fc2.bias", 32)], Int("transB", 1));
        h = f.Node("Tanh", [h]);
        h = f.Node("Gemm", [h, f.Weight("fc3.weight", [10, 32], 32, gain: 1), f.Bias("fc3.bias", 10)], Int("transB", 1));
        f.Output(h, null, 10);
        return f;
    }

    /// <summary>MatMul + Add layers with GELU written as 0.5·x·(1 + erf(x/√2)) and SiLU as x·Sigmoid(x), as torch.onnx writes them.</summary>
    public static OnnxModelFactory PatternMlp(int seed = 2)
    {
        var f = new OnnxModelFactory("patterns", seed);
        var x = f.Input("x", null, 32);
        var h = f.Node("MatMul", [x, f.Weight("w1", [32, 48], 32, gain: 1)]);
        h = f.Node("Add", [h, f.Bias("b1", 48)]);
        var scaled = f.Node("Div", [h, f.Scalar("sqrt2", MathF.Sqrt(2))]);
        var erf = f.Node("Erf", [scaled]);
        var onePlus = f.Node("Add", [erf, f.Scalar("one", 1)]);
        var product = f.Node("Mul", [h, onePlus]);
        h = f.Node("Mul", [product, f.Scalar("half", 0.5f)]);
        h = f.Node("MatMul", [h, f.Weight("w2", [48, 48], 48, gain: 1)]);
        h = f.Node("Add", [h, f.Bias("b2", 48)]);
        var sigmoid = f.Node("Sigmoid", [h]);
        h = f.Node("Mul", [h, sigmoid]);
        h = f.Node("MatMul", [h, f.Weight("w3", [48, 8], 48, gain: 1)]);
        f.Output(h, null, 8);
        return f;
    }

    /// <summary>Conv(3→8, 3×3, pad 1) BN ReLU MaxPool(2) Conv(8→16, 3×3, stride 2, pad 1) ReLU GlobalAveragePool Flatten Gemm(16→10) on 3×16×16.</summary>
    public static OnnxModelFactory SmallCnn(int seed = 3)
    {
        var f = new OnnxModelFactory("cnn", seed);
        var x = f.Input("image", null, 3, 16, 16);
        var h = f.Node("Conv", [x, f.Weight("conv1.weight", [8, 3, 3, 3], 27), f.Bias("conv1.bias", 8)],
            Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1));
        h = f.Node("BatchNormalization", [h, f.Initializer("bn.scale", [8], Enumerable.Repeat(1f, 8).ToArray()), f.Bias("bn.bias", 8),
            f.Bias("bn.mean", 8), f.Initializer("bn.var", [8], Enumerable.Repeat(1f, 8).ToArray())], Float("epsilon", 1e-5f));
        h = f.Node("Relu", [h]);
        h = f.Node("MaxPool", [h], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        h = f.Node("Conv", [h, f.Weight("conv2.weight", [16, 8, 3, 3], 72), f.Bias("conv2.bias", 16)],
            Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2));
        h = f.Node("Relu", [h]);
        h = f.Node("GlobalAveragePool", [h]);
        h = f.Node("Flatten", [h], Int("axis", 1));
        h = f.Node("Gemm", [h, f.Weight("fc.weight", [10, 16], 16, gain: 1), f.Bias("fc.bias", 10)], Int("transB", 1));
        f.Output(h, null, 10);
        return f;
    }

    /// <summary>x → Conv ReLU Conv → Add(x) → ReLU → Reshape [0, -1] → MatMul: a residual block with 8 channels on 8×8.</summary>
    public static OnnxModelFactory ResidualBlock(int seed = 4)
    {
        var f = new OnnxModelFactory("residual", seed);
        var x = f.Input("x", null, 8, 8, 8);
        var h = f.Node("Conv", [x, f.Weight("c1.weight", [8, 8, 3, 3], 72)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        h = f.Node("Relu", [h]);
        h = f.Node("Conv", [h, f.Weight("c2.weight", [8, 8, 3, 3], 72, gain: 0.5)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        h = f.Node("Add", [h, x]);
        h = f.Node("Relu", [h]);
        h = f.Node("Reshape", [h, f.Int64Initializer("flat_shape", 0, -1)]);
        h = f.Node("MatMul", [h, f.Weight("head", [512, 4], 512, gain: 1)]);
        f.Output(h, null, 4);
        return f;
    }
}
