using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Samples;

// The second Linear expects 128 features but the first produces 256: TorchSharp would abort at the first forward.
public static class ShapeMismatch
{
    public static Module<Tensor, Tensor> Build() =>
        Sequential(
            Linear(784, 256),
            ReLU(),
            Linear(128, 10));
}
