using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// Thirty Linear layers with tanh between them, at TorchSharp's default init: deep in the ordered phase, far deeper than 6 xi_c.
public static class DeepTanh
{
    public static Module<Tensor, Tensor> Build()
    {
        const int width = 128;
        var model = Sequential(
            Linear(64, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(), Linear(width, width), Tanh(), Linear(width, width), Tanh(),
            Linear(width, width), Tanh(),
            Linear(width, 1));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var loss = MSELoss();
        return model;
    }
}
