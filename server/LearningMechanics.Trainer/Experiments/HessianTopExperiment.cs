using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// lambda_max of the loss Hessian at init on the synthetic task (BatchSize samples, the declared loss with its
/// reduction; MSE mean has no 1/2, so its Hessian is twice the 1/(2m) one, THEORY.md §0.2), by power iteration on
/// Hessian-vector products: g = grad(L, theta) with create_graph and retain_graph, then Hv = grad(g . v) (double
/// backward; ENVIRONMENT.md). Iterates on H + shift*I ("shift", default 0) so a large negative eigenvalue cannot win
/// (THEORY.md §18); stops when the Rayleigh quotient changes by less than "tolerance" (default 1e-4, relative) or after
/// "iterations" (default 100). Scalars "hessian-lambda-max", "gd-stability-lr" = 2/lambda_max, "iterations", "converged".
/// Dropout off; BatchNorm on batch statistics, as in training.
/// </summary>
public sealed class HessianTopExperiment : IExperiment
{
    public string Kind => ExperimentKinds.HessianTop;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var maxIterations = (int)request.Parameter("iterations", 100);
        var shift = request.Parameter("shift", 0);
        var tolerance = request.Parameter("tolerance", 1e-4);
        var task = context.Task(request.BatchSize);
        var network = context.BuildNetwork();
        network.SetMeasurementMode(dropoutActive: false);
        var parameters = network.ParametersOnOutputPath();
        var loss = task.LossOf(network.call(task.Inputs));
        var gradients = torch.autograd.grad([loss], parameters, retain_graph: true, create_graph: true);

        var v = Normalise(parameters.Select((p, i) => SyntheticData.Gaussian(p.shape, context.Seed, stream: 300 + i, context.Device)).ToArray());
        double lambda = double.NaN;
        var converged = false;
        var iterationIdx = 0;
        for (; iterationIdx < maxIterations; iterationIdx++)
        {
            using var scope = torch.NewDisposeScope();
            var dot = gradients.Zip(v).Select(pair => (pair.First * pair.Second).sum()).Aggregate((a, b) => a + b);
            var hv = torch.autograd.grad([dot], parameters, retain_graph: true).Select(t => t.detach()).ToArray();
            var rayleigh = v.Zip(hv).Sum(pair => (double)(pair.First * pair.Second).sum().item<float>());
            var next = shift == 0 ? hv : hv.Zip(v).Select(pair => pair.First + shift * pair.Second).ToArray();
            var previous = lambda;
            lambda = rayleigh;
            foreach (var old in v)
                old.Dispose();
            v = Normalise(next).Select(t => t.MoveToOuterDisposeScope()).ToArray();
            if (iterationIdx % 5 == 0)
                context.Progress((double)iterationIdx / maxIterations, $"power iteration {iterationIdx}: lambda {lambda:G4}");
            if (iterationIdx > 2 && Math.Abs(lambda - previous) <= tolerance * Math.Abs(lambda))
            {
                converged = true;
                iterationIdx++;
                break;
            }
        }
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("hessian-lambda-max", lambda)
            .Add("gd-stability-lr", 2 / lambda)
            .Add("initial-loss", loss.item<float>())
            .Add("iterations", iterationIdx)
            .Add("converged", converged ? 1 : 0)
            .Add("shift", shift);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; power iteration on H{(shift != 0 ? $" + {shift:G3} I" : "")}, {iterationIdx} iterations{(converged ? "" : " (not converged)")}",
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    private static Tensor[] Normalise(Tensor[] vector)
    {
        using var noGrad = torch.no_grad();
        var norm = Math.Sqrt(vector.Sum(t => (double)t.square().sum().item<float>()));
        return vector.Select(t => (t / norm).detach()).ToArray();
    }
}
