using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// A three-layer MNIST classifier written with Sequential and named layers.
public static class Mlp3
{
    public static void Train()
    {
        var model = Sequential(
            ("fc1", Linear(784, 128)),
            ("relu1", ReLU()),
            ("fc2", Linear(128, 64)),
            ("relu2", ReLU()),
            ("fc3", Linear(64, 10)));

        var optimizer = torch.optim.SGD(model.parameters(), 0.01);
        var loss = CrossEntropyLoss();
    }
}
