using LearningMechanics.Frontends.Tests.Onnx;
using static LearningMechanics.Frontends.Tests.Onnx.OnnxModelFactory;

namespace LearningMechanics.Bench.Onnx;

/// <summary>torchvision's ResNet-18 topology on 3×224×224 (11,689,512 parameters plus BatchNorm statistics), He-scaled random weights.</summary>
internal static class ResNet18
{
    public static OnnxModelFactory Build()
    {
        var f = new OnnxModelFactory("resnet18", seed: 18);
        var h = f.Input("input", null, 3, 224, 224);
        h = ConvBn(f, "conv1", h, 3, 64, 7, 2, 3);
        h = f.Node("Relu", [h]);
        h = f.Node("MaxPool", [h], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        var channels = 64L;
        foreach (var (stage, width) in new[] { (1, 64L), (2, 128L), (3, 256L), (4, 512L) })
        {
            for (var block = 0; block < 2; block++)
            {
                var stride = stage > 1 && block == 0 ? 2 : 1;
                var name = $"layer{stage}.{block}";
                var identity = h;
                var b = ConvBn(f, name + ".conv1", h, channels, width, 3, stride, 1);
                b = f.Node("Relu", [b]);
                b = ConvBn(f, name + ".conv2", b, width, width, 3, 1, 1);
                if (stride != 1 || channels != width)
                    identity = ConvBn(f, name + ".downsample", h, channels, width, 1, stride, 0);
                h = f.Node("Add", [b, identity]);
                h = f.Node("Relu", [h]);
                channels = width;
            }
        }
        h = f.Node("GlobalAveragePool", [h]);
        h = f.Node("Flatten", [h], Int("axis", 1));
        h = f.Node("Gemm", [h, f.Weight("fc.weight", [1000, 512], 512, gain: 1), f.Bias("fc.bias", 1000)], Int("transB", 1));
        f.Output(h, null, 1000);
        return f;
    }

    private static string ConvBn(OnnxModelFactory f, string name, string input, long inChannels, long outChannels, long kernel, long stride, long pad)
    {
        var h = f.Node("Conv", [input, f.Weight(name + ".weight", [outChannels, inChannels, kernel, kernel], inChannels * kernel * kernel)],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad));
        var ones = Enumerable.Repeat(1f, (int)outChannels).ToArray();
        var zeros = new float[outChannels];
        return f.Node("BatchNormalization", [h, f.Initializer(name + ".bn.weight", [outChannels], ones), f.Initializer(name + ".bn.bias", [outChannels], zeros),
            f.Initializer(name + ".bn.running_mean", [outChannels], zeros), f.Initializer(name + ".bn.running_var", [outChannels], ones)]);
    }
}
