using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Values;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis.Validation;

/// <summary>
/// Turns a model's predictions into a trainer job, and the trainer's answer into a verdict the editor shows.
/// The forward-variance check follows THEORY.md §2 "CPU check": relative error below 5% at L/n &lt; 0.05 and
/// below 15% at L/n &lt; 0.2; beyond that the prediction is out of regime (finite-width fluctuations, §4.3).
/// </summary>
public static class ValidationPlanner
{
    public const int BatchSize = 512;

    /// <summary>Layers with fewer output units are measured but not scored.</summary>
    public const int MinUnits = 32;

    /// <summary>Independently initialised networks averaged per measurement: q is an expectation over the init.</summary>
    public const int Networks = 4;

    public static TrainerJob ForwardStatsJob(ModelAnalysis model, string device, int seed = 0)
    {
        var predictions = ForwardVariancePredictions(model);
        var parameters = System.Collections.Immutable.ImmutableDictionary<string, double>.Empty.Add("networks", Networks);
        var experiment = new ExperimentRequest(ExperimentKinds.ForwardStats, BatchSize, Parameters: parameters, Predictions: predictions);
        return new TrainerJob($"{model.Graph.Name}-{Guid.NewGuid():N}", model.Graph, [experiment], seed, device);
    }

    /// <summary>What "Validate model" runs: the forward statistics and a short loss curve with the NTK at init.</summary>
    public static TrainerJob ValidationJob(ModelAnalysis model, string device, int seed = 0)
    {
        var job = ForwardStatsJob(model, device, seed);
        return job with { Experiments = job.Experiments.Add(LossCurvePlanner.Request(model)) };
    }

    /// <summary>One "q" prediction per weight layer (its pre-activation), with the tolerance of its regime.</summary>
    public static ImmutableArray<PredictedValue> ForwardVariancePredictions(ModelAnalysis model)
    {
        var ratio = model.Summary.WidthDepthRatio ?? 0;
        var (tolerance, inRegime) = ratio switch
        {
            < 0.05 => (0.05, true),
            < 0.2 => (0.15, true),
            _ => (0.15, false),
        };
        var note = inRegime ? null : $"depth/width = {Format.Number(ratio)} ≥ 0.2: finite-width fluctuations dominate (THEORY.md §4.3)";
        var ensemble = DrawnEnsemble(model.Graph);
        return model.Layers
            .Where(l => l.Q is not null && model.Graph[l.NodeId].Op is Linear or Conv)
            .Select(l => Units(model, l) < MinUnits
                ? new PredictedValue("q", l.Q!.Value, tolerance, 0, l.NodeId, false,
                    $"{Units(model, l)} output units: a per-layer average over fewer than {MinUnits} units is dominated by sampling noise (THEORY.md §2 checks widths 256–1024)")
                : new PredictedValue("q", l.Q!.Value, tolerance + Math.Max(BiasSamplingTolerance(model, l) + MeanDirectionTolerance(model, l), EnsembleTolerance(ensemble, l)), 0, l.NodeId, inRegime, note))
            .ToImmutableArray();
    }

    /// <summary>
    /// Three standard deviations of the batch-mean q of <see cref="Networks"/> nets, from the init ensemble the engine draws at the
    /// model's widths (<see cref="InitSpread"/>: the same draws as the LR spread, memoised). It holds the bias and mean-direction
    /// terms below and the fluctuation accumulated over the layers underneath, which they leave out (Hanin &amp; Nica 2019); the
    /// larger of the two is used, so a net the engine cannot draw keeps the analytic terms.
    /// </summary>
    private static double EnsembleTolerance(InitSpreadEstimate? ensemble, LayerRow layer) =>
        ensemble is { LayerQ: var layers } && layer.NodeId < layers.Length && layers[layer.NodeId] is { } fluctuation && fluctuation.RelativeSd(BatchSize) is var sd && double.IsFinite(sd)
            ? 3 * sd / Math.Sqrt(Networks)
            : 0;

    // The LR predictions' sample (their default size, seed 0), so the estimate is the memoised one when they were computed.
    private static InitSpreadEstimate? DrawnEnsemble(ModelGraph graph) =>
        DataKernels.SyntheticGram(graph, LearningRateLimits.DefaultSampleCount, 0) is { } gram ? InitSpread.Estimate(graph, gram) : null;

    /// <summary>
    /// Three standard deviations of the relative error that the finite sample of n biases alone puts into q:
    /// the empirical mean of b_i^2 over n units has relative std sqrt((kurtosis - 1)/n), i.e. sqrt(0.8/n) for uniform
    /// and sqrt(2/n) for Gaussian biases, weighted by the bias share sigma_b^2/q of the prediction. It matters where a
    /// vanishing signal has reached the bias floor (q close to sigma_b^2), which is exactly where default-init nets sit.
    /// </summary>
    private static double BiasSamplingTolerance(ModelAnalysis model, LayerRow layer)
    {
        var node = model.Graph[layer.NodeId];
        if (layer.SigmaB2 is not { } sigmaB2 || sigmaB2 <= 0 || layer.Q is not { } q || q <= 0)
            return 0;
        var kurtosisMinusOne = node.BiasInit switch
        {
            null or Model.Init.TorchDefaultInit or Model.Init.UniformInit => 0.8,
            Model.Init.ConstantInit => 0.0,
            _ => 2.0,
        };
        var units = Units(model, layer);
        return 3 * Math.Sqrt(kurtosisMinusOne / units) * Math.Min(1, sigmaB2 / q);
    }

    private static long Units(ModelAnalysis model, LayerRow layer) =>
        model.Graph[layer.NodeId].Op switch { Linear linear => linear.OutFeatures, Conv conv => conv.OutChannels, _ => 1L };

    /// <summary>
    /// Three standard deviations of the weight-sampling error of q over n_out units and k networks. With a mean m in the
    /// layer's input (ReLU, GELU, sigmoid outputs are not centred), the part m^2 of E[x^2] reaches each unit through one
    /// direction w_i·1, whose square is chi-squared with one degree of freedom (relative std sqrt 2); averaged over n_out
    /// units and k networks that leaves sqrt(2/(n_out k)) times the share f = E[phi]^2/E[phi^2] = Cov(q, q, c = 0)/E[phi^2].
    /// Isotropic parts average out over the fan-in and are neglected. Inputs of unknown origin get f = 1 (conservative).
    /// </summary>
    private static double MeanDirectionTolerance(ModelAnalysis model, LayerRow layer)
    {
        var node = model.Graph[layer.NodeId];
        var units = Units(model, layer);
        if (node.Inputs.IsEmpty)
            return 0;
        var source = model.Graph[node.Inputs[0]];
        double share;
        if (source.Op is Input)
            share = 0;
        else if (source.Op is Activation activation && Theory.Rules.Activations.For(activation) is { } rule
            && !source.Inputs.IsEmpty && model.Layers[source.Inputs[0]].Q is { } qPre && qPre > 0)
            share = Math.Clamp(rule.Covariance(qPre, qPre, 0) / Math.Max(rule.SecondMoment(qPre), double.Epsilon), 0, 1);
        else
            share = 1;
        var biasShare = layer.SigmaB2 is { } b && layer.Q is { } q && q > 0 ? Math.Min(1, b / q) : 0;
        return 3 * Math.Sqrt(2.0 / (units * Networks)) * share * (1 - biasShare);
    }

    public static ValidationVerdict Judge(ModelAnalysis model, string contentHash, ResultMessage result)
    {
        var experiment = result.Results.FirstOrDefault(r => r.Kind == ExperimentKinds.ForwardStats);
        var verdicts = experiment is null || experiment.Verdicts.IsDefault ? [] : experiment.Verdicts;
        var scored = verdicts.Where(v => v.Outcome is VerdictOutcome.Confirmed or VerdictOutcome.Refuted).ToList();
        var refuted = scored.Where(v => v.Outcome == VerdictOutcome.Refuted).ToList();
        var worstVerdict = scored.OrderByDescending(v => RelativeError(v) / Math.Max(v.Prediction.RelativeTolerance, 1e-12)).FirstOrDefault();
        var worst = worstVerdict is null ? 0 : RelativeError(worstVerdict);
        var tolerance = worstVerdict?.Prediction.RelativeTolerance ?? 0;
        string headline;
        Finding finding;
        if (scored.Count == 0)
        {
            headline = "not scored";
            finding = new Finding("prediction-out-of-regime", Severity.Information,
                $"Validation of {model.Graph.Name} on {result.Device}: forward variance measured but not scored ({verdicts.FirstOrDefault()?.Reason ?? "no weight layers"})",
                model.Graph.Span, model.Graph.Name);
        }
        else if (refuted.Count == 0)
        {
            headline = $"q confirmed at {scored.Count}/{scored.Count} layers";
            finding = new Finding("prediction-confirmed", Severity.Information,
                $"Validated on {result.Device} ({result.Threads} threads, seed {result.Seed}): forward variance q confirmed at {scored.Count}/{scored.Count} scored weight layers" +
                (verdicts.Length > scored.Count ? $" ({verdicts.Length - scored.Count} measured, not scored: {verdicts.First(v => v.Outcome == VerdictOutcome.OutOfRegime).Prediction.RegimeNote})" : "") + ", " +
                $"closest call {worst:P1} off where {tolerance:P1} was allowed (THEORY.md §2 tolerance plus 3σ finite-width sampling), batch {BatchSize}, {Networks} networks, Gaussian inputs.",
                model.Graph.Span, model.Graph.Name);
        }
        else
        {
            headline = $"q refuted at {refuted.Count}/{scored.Count} layers";
            finding = new Finding("prediction-refuted", Severity.Warning,
                $"Validation on {result.Device} refutes the forward-variance prediction at {refuted.Count}/{scored.Count} weight layers: " +
                string.Join("; ", refuted.Take(3).Select(v => v.Reason)),
                model.Graph.Span, model.Graph.Name);
        }
        return new ValidationVerdict(model.Graph.Name, contentHash, verdicts, finding, headline, result.Device, result.ElapsedSeconds)
        {
            Layers = experiment is null || experiment.Layers.IsDefault ? [] : experiment.Layers,
            LossCurve = LossCurvePlanner.Read(model, result),
        };
    }

    /// <summary>A failed run (crash, timeout, error) as a verdict: reported, never fatal.</summary>
    public static ValidationVerdict Failed(ModelAnalysis model, string contentHash, string reason) =>
        new(model.Graph.Name, contentHash, [],
            new Finding("validation-failed", Severity.Warning, $"Validation of {model.Graph.Name} did not complete: {reason}", model.Graph.Span, model.Graph.Name),
            "failed", "none", 0);

    private static double RelativeError(Verdict verdict) =>
        verdict.Measured is { } measured && verdict.Prediction.Value != 0
            ? Math.Abs(measured - verdict.Prediction.Value) / Math.Abs(verdict.Prediction.Value)
            : 0;
}
