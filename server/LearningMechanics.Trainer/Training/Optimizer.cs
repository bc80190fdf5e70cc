using LearningMechanics.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Training;

/// <summary>
/// SGD/Adam written out over the parameter list, so that its state lives outside the per-step dispose scopes and
/// the update rule is exactly the one THEORY.md §8 states. State tensors are created when the optimizer is.
/// </summary>
public sealed class Optimizer
{
    private OptimizerConfig _config;
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;
    private int _step;

    public Optimizer(IEnumerable<Tensor> parameters, OptimizerConfig config)
    {
        _config = config;
        _parameters = parameters.ToArray();
        using var noGrad = torch.no_grad();
        _first = _parameters.Select(p => torch.zeros_like(p)).ToArray();
        _second = config.Kind == OptimizerKind.Sgd ? [] : _parameters.Select(p => torch.zeros_like(p)).ToArray();
    }

    /// <summary>Applies one update from the current .grad of each parameter; call inside a dispose scope.</summary>
    public void Step()
    {
        _step++;
        using var noGrad = torch.no_grad();
        var c = _config;
        for (var paramIdx = 0; paramIdx < _parameters.Length; paramIdx++)
        {
            var p = _parameters[paramIdx];
            var grad = p.grad;
            if (grad is null)
                continue;
            if (c.WeightDecay != 0 && c.Kind != OptimizerKind.AdamW)
                grad = grad + c.WeightDecay * p;
            if (c.Kind == OptimizerKind.Sgd)
            {
                if (c.Momentum == 0)
                {
                    p.add_(grad, alpha: -c.LearningRate); // fused, as torch.optim.SGD does: no lr * grad temporary
                    continue;
                }
                _first[paramIdx].mul_(c.Momentum).add_(grad);
                p.add_(_first[paramIdx], alpha: -c.LearningRate);
                continue;
            }
            if (c.Kind == OptimizerKind.AdamW && c.WeightDecay != 0)
                p.mul_(1 - c.LearningRate * c.WeightDecay);
            _first[paramIdx].mul_(c.Beta1).add_((1 - c.Beta1) * grad);
            _second[paramIdx].mul_(c.Beta2).add_((1 - c.Beta2) * grad.square());
            var mHat = _first[paramIdx] / (1 - Math.Pow(c.Beta1, _step));
            var vHat = _second[paramIdx] / (1 - Math.Pow(c.Beta2, _step));
            p.sub_(c.LearningRate * mHat / (vHat.sqrt() + c.Eps));
        }
    }

    /// <summary>Changes the rate for the following steps (LR range test); the state is kept.</summary>
    public void SetLearningRate(double learningRate) => _config = _config with { LearningRate = learningRate };

    /// <summary>Steps taken so far.</summary>
    public int StepCount => _step;

    /// <summary>
    /// Adam's preconditioner as P^{-1/2} per parameter, P = sqrt(v_hat) + eps (THEORY.md §8.1, §8.3), or null for SGD and
    /// before the first step. The tensors are new; the caller disposes them (or lets its scope do it).
    /// </summary>
    public Tensor[]? PreconditionerInverseSqrt()
    {
        if (_config.Kind == OptimizerKind.Sgd || _step == 0)
            return null;
        using var noGrad = torch.no_grad();
        var correction = 1 - Math.Pow(_config.Beta2, _step);
        return _second.Select(v => ((v / correction).sqrt() + _config.Eps).rsqrt()).ToArray();
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            if (p.grad is { } grad)
            {
                grad.detach_();
                grad.zero_();
            }
        }
    }
}
