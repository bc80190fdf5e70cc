using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// The empirical NTK at init, Theta_ij = J_i . J_j with J_i = d f(x_i) / d theta over BatchSize Gaussian inputs
/// (THEORY.md §6), for the scalar output f = output unit "output" (default 0) of the flattened output, and its top
/// eigenvalue. Scalars "ntk-lambda-max", "ntk-trace", "ntk-mean-diagonal", "ntk-mean-offdiagonal". One backward pass
/// per sample; dropout off, BatchNorm on batch statistics (so samples are coupled through it). Standard parameterization: Theta is not rescaled by width.
/// </summary>
public sealed class NtkExperiment : IExperiment
{
    public string Kind => ExperimentKinds.NtkLambdaMax;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var n = request.BatchSize;
        var outputUnit = (long)request.Parameter("output", 0);
        var network = context.BuildNetwork();
        network.SetMeasurementMode(dropoutActive: false);
        var parameters = network.ParametersOnOutputPath();
        var x = SyntheticData.Inputs(context.Graph, n, context.Seed, stream: 1, context.Device);
        var theta = EmpiricalNtk.Gram(network, parameters, x, outputUnit,
            row => { if (row % 8 == 0) context.Progress((double)row / n, $"Jacobian row {row + 1} of {n}"); });
        using var noGrad = torch.no_grad();
        var eigenvalues = torch.linalg.eigvalsh(theta);
        var lambdaMax = eigenvalues.max().item<double>();
        var trace = theta.trace().item<double>();
        var sum = theta.sum().item<double>();
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("ntk-lambda-max", lambdaMax)
            .Add("ntk-trace", trace)
            .Add("ntk-mean-diagonal", trace / n)
            .Add("ntk-mean-offdiagonal", n > 1 ? (sum - trace) / (n * (n - 1.0)) : double.NaN)
            .Add("samples", n)
            .Add("parameters", parameters.Sum(p => p.numel()));
        return new ExperimentResult(Kind, [], scalars,
            Note: $"empirical NTK of output unit {outputUnit} over {n} Gaussian inputs (seed {context.Seed}), standard parameterization",
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }
}
