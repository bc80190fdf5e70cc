using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// Ten ReLU layers with TorchSharp's default init (kaiming_uniform, a = sqrt 5): the signal shrinks about 6x per layer.
public sealed class DeepReluDefaultInit : Module<Tensor, Tensor>
{
    private const int Width = 256;

    private readonly Linear fc1 = Linear(784, Width);
    private readonly Linear fc2 = Linear(Width, Width);
    private readonly Linear fc3 = Linear(Width, Width);
    private readonly Linear fc4 = Linear(Width, Width);
    private readonly Linear fc5 = Linear(Width, Width);
    private readonly Linear fc6 = Linear(Width, Width);
    private readonly Linear fc7 = Linear(Width, Width);
    private readonly Linear fc8 = Linear(Width, Width);
    private readonly Linear fc9 = Linear(Width, Width);
    private readonly Linear fc10 = Linear(Width, 10);

    public DeepReluDefaultInit() : base(nameof(DeepReluDefaultInit))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = functional.relu(fc1.forward(x));
        x = functional.relu(fc2.forward(x));
        x = functional.relu(fc3.forward(x));
        x = functional.relu(fc4.forward(x));
        x = functional.relu(fc5.forward(x));
        x = functional.relu(fc6.forward(x));
        x = functional.relu(fc7.forward(x));
        x = functional.relu(fc8.forward(x));
        x = functional.relu(fc9.forward(x));
        return fc10.forward(x);
    }
}
