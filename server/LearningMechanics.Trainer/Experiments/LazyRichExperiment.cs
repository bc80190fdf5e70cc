using System.Collections.Immutable;
using LearningMechanics.Trainer.Data;
using LearningMechanics.Trainer.Network;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Experiments;

/// <summary>
/// Lazy vs rich (THEORY.md §9.2): Steps (default 100) full-batch steps on BatchSize samples with the declared optimizer
/// (or "lr", "optimizer"), then the relative weight change ||θ_T - θ_0|| / ||θ_0|| over all trainable tensors and per
/// weight layer in Frobenius norm (Series "layer-relative-change") and in spectral norm ("layer-spectral-change"), with
/// "layer-node" the node ids, and the kernel distance
/// 1 - &lt;Θ_T, Θ_0&gt; / (||Θ_T|| ||Θ_0||) of the empirical NTK of output unit 0 on "ntk-samples" (default 32) Gaussian
/// probe inputs. Scalars "relative-weight-change", "kernel-distance", "final-loss", "initial-loss", "lr".
/// Lazy: both ≲ 0.05; rich: O(0.1–1). At fixed eta times the NTK (SP with eta ∝ 1/width, or NTK parameterization), a
/// hidden layer's ΔW has O(1) Frobenius norm and low rank while ||W||_F ∝ width and ||W||_2 ∝ sqrt(width): the relative
/// change falls like 1/width in Frobenius norm and like width^-1/2 in spectral norm (THEORY.md §9.2 states the latter).
/// </summary>
public sealed class LazyRichExperiment : IExperiment
{
    public string Kind => ExperimentKinds.LazyRich;

    public ExperimentResult Run(ExperimentContext context, ExperimentRequest request)
    {
        var steps = request.Steps > 0 ? request.Steps : 100;
        var probeSamples = (long)request.Parameter("ntk-samples", 32);
        var optimizer = OptimizerConfig.From(request, context.Graph.Training.Optimizer, defaultLr: 0.01);
        var task = context.Task(request.BatchSize);
        var network = context.BuildNetwork();
        var probe = SyntheticData.Inputs(context.Graph, probeSamples, context.Seed, stream: 3, context.Device);
        var parameters = network.ParametersOnOutputPath();
        network.SetMeasurementMode(dropoutActive: false);
        var theta0 = EmpiricalNtk.Gram(network, parameters, probe, 0);
        var initial = network.parameters().Where(p => p.requires_grad).Select(p => p.detach().clone()).ToArray();
        var layersBefore = network.WeightLayers().Select(l => (l.Node.Id, Weight: l.Weight.detach().clone())).ToArray();
        context.Progress(0.1, $"training {steps} steps");
        var curve = TrainingLoop.Run(network, task, optimizer, steps, task.Samples, context.Seed,
            stepIdx => { if (stepIdx % Math.Max(1, steps / 10) == 0) context.Progress(0.1 + 0.8 * stepIdx / steps, $"step {stepIdx} of {steps}"); });
        network.SetMeasurementMode(dropoutActive: false);
        var thetaT = EmpiricalNtk.Gram(network, parameters, probe, 0);
        using var noGrad = torch.no_grad();
        var final = network.parameters().Where(p => p.requires_grad).ToArray();
        double changeSquared = 0, normSquared = 0;
        for (var tensorIdx = 0; tensorIdx < final.Length; tensorIdx++)
        {
            changeSquared += (final[tensorIdx] - initial[tensorIdx]).square().sum().item<float>();
            normSquared += initial[tensorIdx].square().sum().item<float>();
        }
        var layersAfter = network.WeightLayers().ToDictionary(l => l.Node.Id, l => l.Weight);
        var layerChange = layersBefore.Select(l => (layersAfter[l.Id] - l.Weight).norm().item<float>() / Math.Max(l.Weight.norm().item<float>(), 1e-30)).ToImmutableArray();
        var layerSpectralChange = layersBefore.Select(l => SpectralNorm(layersAfter[l.Id] - l.Weight) / Math.Max(SpectralNorm(l.Weight), 1e-30)).ToImmutableArray();
        var inner = (thetaT * theta0).sum().item<double>();
        var kernelDistance = 1 - inner / Math.Max(thetaT.norm().item<double>() * theta0.norm().item<double>(), 1e-300);
        var scalars = ImmutableDictionary<string, double>.Empty
            .Add("relative-weight-change", Math.Sqrt(changeSquared / Math.Max(normSquared, 1e-300)))
            .Add("kernel-distance", kernelDistance)
            .Add("initial-loss", curve.Initial)
            .Add("final-loss", curve.Final)
            .Add("diverged", curve.Diverged ? 1 : 0)
            .Add("steps-run", curve.StepsRun)
            .Add("lr", optimizer.LearningRate);
        return new ExperimentResult(Kind, [], scalars,
            Note: $"{curve.StepsRun} full-batch steps of {optimizer.Describe()} on {task.Description}; NTK of output unit 0 on {probeSamples} Gaussian probe inputs",
            Series: ImmutableDictionary<string, ImmutableArray<double>>.Empty
                .Add("layer-relative-change", [.. layerChange.Select(v => (double)v)])
                .Add("layer-spectral-change", layerSpectralChange)
                .Add("layer-node", [.. layersBefore.Select(l => (double)l.Id)]),
            Verdicts: Verdicts.Judge(request.Predictions, [], scalars));
    }

    /// <summary>Largest singular value of a weight viewed as [out, fan-in] (a conv kernel flattened per output channel).</summary>
    private static double SpectralNorm(Tensor weight) =>
        torch.linalg.svdvals(weight.reshape(weight.shape[0], -1).to_type(ScalarType.Float64)).max().item<double>();
}
