using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// A small regression MLP whose learning rate lives in a local variable.
public sealed class Regressor : Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly Module<Tensor, Tensor> activation;

    public Regressor(int inputs, int width) : base(nameof(Regressor))
    {
        hidden = Linear(inputs, width);
        output = Linear(width, 1);
        activation = GELU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => output.forward(activation.forward(hidden.forward(x)));
}

public static class LrInLocal
{
    public static void Train()
    {
        var model = new Regressor(32, 512);
        double learningRate = 0.05;
        var optimizer = torch.optim.SGD(model.parameters(), learningRate, momentum: 0.9);
        var loss = MSELoss();
    }
}
