using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// The same ten ReLU layers with He (Kaiming normal) init and zero biases: critical, chi_1 = 1, the signal keeps its size.
public sealed class DeepReluHeInit : Module<Tensor, Tensor>
{
    private const int Width = 256;
    private readonly Sequential layers;

    public DeepReluHeInit() : base(nameof(DeepReluHeInit))
    {
        layers = Sequential(
            Linear(784, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, Width), ReLU(),
            Linear(Width, 10));

        foreach (var module in layers.modules())
        {
            if (module is Linear linear)
            {
                init.kaiming_normal_(linear.weight, nonlinearity: init.NonlinearityType.ReLU);
                init.zeros_(linear.bias);
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => layers.forward(x);
}
