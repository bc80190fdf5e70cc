using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>The exponential learning-rate sweep of <see cref="ExperimentKinds.LrRangeTest"/>: the empirical counterpart of eta_crit (THEORY.md §14).</summary>
public sealed class LrRangeTestExperiment : IExperiment
{
    public string Kind => ExperimentKinds.LrRangeTest;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 1 ? request.Steps : 100;
        var lrMin = request.Parameter("lr-min", 1e-6);
        var lrMax = request.Parameter("lr-max", 10);
        var stopFactor = request.Parameter("stop-factor", 4);
        var baseConfig = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: lrMin);
        var task = context.Task(request.BatchSize);
        var network = context.BuildNetwork();
        network.train(true);
        var parameters = network.parameters().Where(p => p.requires_grad).ToArray();
        var rates = ImmutableArray.CreateBuilder<double>();
        var losses = ImmutableArray.CreateBuilder<double>();
        var best = double.PositiveInfinity;
        var divergenceLr = double.PositiveInfinity;
        // The optimizer's state (momentum, Adam moments) carries across the sweep, as in a real run; only the rate changes.
        var optimizer = new Optimizer(parameters, baseConfig);
        for (var stepIdx = 0; stepIdx < steps; stepIdx++)
        {
            using var scope = torch.NewDisposeScope();
            var lr = lrMin * Math.Pow(lrMax / lrMin, (double)stepIdx / (steps - 1));
            optimizer.ZeroGrad();
            var loss = task.LossOf(network.call(task.Inputs));
            var value = (double)loss.item<float>();
            rates.Add(lr);
            losses.Add(value);
            if (!double.IsFinite(value) || value > stopFactor * best)
            {
                divergenceLr = lr;
                break;
            }
            best = Math.Min(best, value);
            loss.backward();
            optimizer.SetLearningRate(lr);
            optimizer.Step();
        }
        var (suggested, minLossLr) = Suggest(rates.ToImmutable(), losses.ToImmutable());
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("suggested-lr", suggested)
            .Add("min-loss-lr", minLossLr)
            .Add("divergence-lr", divergenceLr)
            .Add("steps-run", losses.Count);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{task.Description}; {baseConfig.Kind}, rate {lrMin:G2} -> {lrMax:G2} exponentially over {steps} full-batch steps, stop at loss > {stopFactor:G2} x best; " +
                  "suggested = steepest descent of the smoothed loss against log lr",
            Series: ImmutableDictionary<string, ImmutableArray<double>>.Empty.Add("lr", rates.ToImmutable()).Add("loss", losses.ToImmutable()),
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    /// <summary>Steepest negative slope of the exponentially smoothed (beta 0.8, bias-corrected) loss against ln lr, and the rate at the smallest loss.</summary>
    public static (double Suggested, double MinLossLr) Suggest(ImmutableArray<double> rates, ImmutableArray<double> losses)
    {
        var n = losses.Count(double.IsFinite);
        if (n < 3)
            return (double.NaN, n > 0 ? rates[0] : double.NaN);
        var smoothed = new double[n];
        var average = 0.0;
        for (var idx = 0; idx < n; idx++)
        {
            average = 0.8 * average + 0.2 * losses[idx];
            smoothed[idx] = average / (1 - Math.Pow(0.8, idx + 1));
        }
        var bestIdx = 1;
        var bestSlope = double.PositiveInfinity;
        for (var idx = 1; idx < n - 1; idx++)
        {
            var slope = (smoothed[idx + 1] - smoothed[idx - 1]) / Math.Log(rates[idx + 1] / rates[idx - 1]);
            if (slope < bestSlope)
                (bestSlope, bestIdx) = (slope, idx);
        }
        var minIdx = Enumerable.Range(0, n).MinBy(i => smoothed[i]);
        return (rates[bestIdx], rates[minIdx]);
    }
}
