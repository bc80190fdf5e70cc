using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>
/// The empirical NTK Theta = J J^T of one output unit over a batch, J the Jacobian of that unit with respect to
/// <paramref name="parameters"/>, one reverse pass per sample (Jacot et al. 2018; neural-tangents' empirical_ntk_fn).
/// </summary>
public static class EmpiricalNtk
{
    /// <summary>Theta as a float64 [n, n] tensor, in the caller's dispose scope.</summary>
    public static Tensor Gram(GraphNetwork network, IList<Tensor> parameters, Tensor x, long outputUnit, Action<int>? onRow = null)
    {
        var n = x.shape[0];
        var outputs = network.call(x).reshape(n, -1);
        if (outputUnit < 0 || outputUnit >= outputs.shape[1])
            throw new ArgumentException($"output unit {outputUnit} is out of range: the output has {outputs.shape[1]} units");
        var rows = new Tensor[n];
        for (var sampleIdx = 0; sampleIdx < n; sampleIdx++)
        {
            using var scope = torch.NewDisposeScope();
            var grads = torch.autograd.grad([outputs[sampleIdx, outputUnit]], parameters, retain_graph: true);
            rows[sampleIdx] = torch.cat(grads.Select(g => g.reshape(-1)).ToArray()).detach().MoveToOuterDisposeScope();
            onRow?.Invoke(sampleIdx);
        }
        using var noGrad = torch.no_grad();
        var jacobian = torch.stack(rows).to_type(ScalarType.Float64);
        return jacobian.matmul(jacobian.T);
    }
}
