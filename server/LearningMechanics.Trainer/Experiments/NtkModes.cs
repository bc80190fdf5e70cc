using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// What the linearised-dynamics loss curve needs at init (THEORY.md §7.1): the eigenvalues lambda_k of the empirical NTK on
/// the task's n inputs and the power sum_j (u_k · r_{:,j})^2 of the initial residual r = f_0(X) - Y in each eigenvector.
/// Theta is the kernel of output unit 0 (n backward passes) and stands for every output unit: Theta ⊗ I_K, which holds at
/// infinite width in standard parameterization, where different output units have independent readout weights.
/// </summary>
public static class NtkModes
{
    public static (ImmutableArray<double> Lambda, ImmutableArray<double> Power) Measure(GraphNetwork network, TrainingTask task)
    {
        using var outer = torch.NewDisposeScope();
        var n = task.Samples;
        network.SetMeasurementMode(dropoutActive: false);
        var theta = EmpiricalNtk.Gram(network, network.ParametersOnOutputPath(), task.Inputs, outputUnit: 0);
        using var noGrad = torch.no_grad();
        var outputs = network.call(task.Inputs).reshape(n, -1);
        var (eigenvalues, eigenvectors) = torch.linalg.eigh(theta);
        var residual = outputs.to_type(ScalarType.Float64) - task.Targets.reshape(n, -1).to_type(ScalarType.Float64);
        var power = eigenvectors.T.matmul(residual).pow(2).sum(1);
        return ([.. eigenvalues.data<double>()], [.. power.data<double>()]);
    }
}
