using System.Collections.Immutable;
using System.Diagnostics;
using LearningMechanics.Analysis;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Model.Graph;
using LearningMechanics.Theory;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.Scaling;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;

namespace LearningMechanics.Cli.Grid;

/// <summary>How a grid is run: trainer process options, cache, per-job time limit, device and progress sink.</summary>
public sealed record GridRunOptions(
    TrainerProcessOptions Process,
    TrainerResultCache Cache,
    TimeSpan JobTimeout,
    string Device = "cpu",
    int? Threads = null,
    int? Limit = null,
    Action<string>? Log = null);

/// <summary>
/// Runs every configuration of a grid: predictions from the theory engine (the same code the editor uses), one trainer
/// job per configuration with the experiments it needs (forward-stats, lr-threshold for SGD and momentum where an LR
/// prediction is in regime or the spec sets measureOutOfRegime, loss-curve),
/// served from the result cache where the network and experiment were already run, then scored by <see cref="GridScoring"/>.
/// </summary>
public static class GridRunner
{
    /// <summary>Steps per probe run of the learning-rate search: the 30 full-batch steps of the THEORY.md §8 CPU check.</summary>
    public const int LrProbeSteps = 30;

    /// <summary>THEORY.md §8 CPU check: the empirical boundary lies within ±20% of the prediction for width &gt;= 512.</summary>
    public const int LrScoredMinWidth = 512;

    /// <summary>Log-bisection halvings: the final bracket is 4^(1/2^6), about 2%, well inside the ±20% tolerance.</summary>
    public const int LrIterations = 6;

    public static async Task<GridReport> RunAsync(GridSpec spec, GridRunOptions options, CancellationToken ct)
    {
        var configurations = spec.Expand();
        if (options.Limit is int limit)
            configurations = configurations.Take(limit).ToImmutableArray();
        var stopwatch = Stopwatch.StartNew();
        var predictionsByOptimizer = new Dictionary<string, GridPredictions>();
        var results = ImmutableArray.CreateBuilder<ConfigurationResult>(configurations.Length);
        for (var configIdx = 0; configIdx < configurations.Length; configIdx++)
        {
            ct.ThrowIfCancellationRequested();
            var config = configurations[configIdx];
            var configWatch = Stopwatch.StartNew();
            ConfigurationResult result;
            try
            {
                var predictionWatch = Stopwatch.StartNew();
                if (!predictionsByOptimizer.TryGetValue(config.OptimizerKey, out var predictions))
                    predictionsByOptimizer[config.OptimizerKey] = predictions = Predict(config, spec);
                var predictionSeconds = predictionWatch.Elapsed.TotalSeconds;
                result = await RunOneAsync(config, spec, predictions, options, ct).ConfigureAwait(false);
                result = result with { PredictionSeconds = predictionSeconds };
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                result = ConfigurationResult.Failed(config, e.Message);
            }
            result = result with { Seconds = configWatch.Elapsed.TotalSeconds };
            results.Add(result);
            options.Log?.Invoke($"[{configIdx + 1}/{configurations.Length}] {config.Id}: {result.Summary()} ({result.Seconds:F1} s: theory {result.PredictionSeconds:F1} s, trainer {result.TrainerSeconds:F1} s)");
        }
        return GridScoring.Summarize(spec, results.ToImmutable(), stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>What the theory says about a configuration's network and optimizer (the rate does not enter).</summary>
    public static GridPredictions Predict(GridConfiguration config, GridSpec spec)
    {
        var network = GridModels.Build(config, spec, optimizer: null);
        var analysis = ModelAnalyzer.Analyze(network);
        var forward = ValidationPlanner.ForwardVariancePredictions(analysis);
        var trainable = analysis.Predictions.FirstOrDefault(p => p.Id == "trainable-depth");
        LrReport? lr = null;
        if (config.Optimizer != "adam")
        {
            var withOptimizer = GridModels.Build(config, spec, GridModels.Optimizer(config.Optimizer, 1e-3, spec));
            lr = LearningRateLimits.For(withOptimizer, TheoryEngine.Analyze(withOptimizer));
        }
        return new GridPredictions(network, analysis.Summary.Depth, forward, trainable, lr);
    }

    private static async Task<ConfigurationResult> RunOneAsync(GridConfiguration config, GridSpec spec, GridPredictions predictions, GridRunOptions options, CancellationToken ct)
    {
        var etaCrit = predictions.Lr?.EtaCrit?.Value;
        double rate;
        if (config.Rate.IsMultiple)
        {
            if (etaCrit is not double eta)
                return ConfigurationResult.Failed(config, $"rate {config.Rate} is a multiple of eta_crit, but none is predicted: {predictions.Lr?.Reason ?? "adaptive optimizer"}");
            rate = config.Rate.Value * eta;
        }
        else
        {
            rate = config.Rate.Value;
        }

        var optimizerCode = config.Optimizer == "adam" ? 1.0 : 0.0;
        var momentum = config.Optimizer == "momentum" ? spec.Momentum : 0.0;
        var experiments = ImmutableArray.CreateBuilder<ExperimentRequest>();
        experiments.Add(new ExperimentRequest(ExperimentKinds.ForwardStats, ValidationPlanner.BatchSize,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("networks", ValidationPlanner.Networks),
            Predictions: predictions.Forward));
        var lrPredictions = LrPredictions(config, predictions.Lr);
        // The search is the costliest experiment (about 15 probe runs); where no LR prediction would be scored it is
        // skipped unless the spec asks for the out-of-regime figures.
        if (lrPredictions is { } lrPredicted && (spec.MeasureOutOfRegime || lrPredicted.Any(p => p.InRegime)))
        {
            experiments.Add(new ExperimentRequest(ExperimentKinds.LrThreshold, predictions.Lr!.SampleCount, LrProbeSteps,
                Parameters: ImmutableDictionary<string, double>.Empty
                    .Add("optimizer", 0).Add("momentum", momentum).Add("lr-guess", etaCrit!.Value).Add("iterations", LrIterations),
                Predictions: lrPredicted));
        }
        if (CoordCheckRequest(config, spec, rate) is { } coord)
            experiments.Add(coord);
        experiments.Add(new ExperimentRequest(ExperimentKinds.LossCurve, spec.Samples, spec.Steps,
            Parameters: ImmutableDictionary<string, double>.Empty
                .Add("samples", spec.Samples).Add("lr", rate).Add("optimizer", optimizerCode).Add("momentum", momentum)));
        // The network goes without its optimizer: forward-stats and lr-threshold results are then shared, through the cache,
        // by every rate of the same network and optimizer (the optimizer travels in the experiment parameters).
        var job = new TrainerJob($"grid-{config.Id}", predictions.Network, experiments.ToImmutable(), spec.Seed, options.Device, options.Threads);
        var outcome = await options.Cache.RunAsync(job, null, options.JobTimeout, options.Process, ct).ConfigureAwait(false);
        if (outcome is not TrainerCompleted { Message: var message })
            return ConfigurationResult.Failed(config, outcome.Describe()) with { Rate = rate, EtaCrit = etaCrit };
        var byKind = message.Results.ToDictionary(r => r.Kind);
        return GridScoring.Score(config, predictions, rate, byKind) with { TrainerSeconds = message.ElapsedSeconds };
    }

    /// <summary>
    /// The coord check of THEORY.md §9.1 (recipe A10: 3 full-batch steps on the grid's samples, mean |Δh| of the 2nd hidden
    /// pre-activation), once per network and optimizer. The grid's models are in SP with one global rate, so the predicted
    /// slope against width is <see cref="WidthScaling.CoordCheckSlope"/>, ±0.25. Scored (in regime) where it
    /// was checked: Adam on ReLU-family MLPs with two hidden layers, +1 [C, row 27]. Reported but not scored: deeper MLPs
    /// (five weight layers measured +0.7 at widths 64–1024: the +1 is approached slowly), SGD and momentum (+1/2 is a
    /// derivation [D]; a first grid measured -0.6 to +0.3 at widths 64–256 over 3 steps), odd activations under Adam (tanh
    /// measured +0.5 to +0.7 at widths 64–1024: the sign pattern of the first Adam step is only partly coherent with
    /// zero-mean inputs, so +1 is approached slowly), and CNNs/ResNets (§9.1 is derived for plain MLPs). Adam sweeps
    /// 1/4x–4x the grid width; SGD 1/4x–1x only, because the rate was set against the base width's eta_crit and the SP NTK
    /// grows with width.
    /// </summary>
    private static ExperimentRequest? CoordCheckRequest(GridConfiguration config, GridSpec spec, double rate)
    {
        var firstRate = config.Optimizer == "adam" ? GridRate.Absolute(spec.AdamRates[0]) : spec.Rates[0];
        if (!spec.CoordCheck || config.Rate != firstRate || config.Depth < 3)
            return null;
        var form = config.Optimizer switch { "adam" => OptimizerForm.Adaptive, "momentum" => OptimizerForm.HeavyBall, _ => OptimizerForm.GradientDescent };
        if (WidthScaling.CoordCheckSlope(form, muPRates: false) is not double slope)
            return null;
        var reluFamily = config.Activation is "relu" or "gelu" or "silu";
        var regimeNote = config.Architecture != "mlp" ? $"{config.Architecture}: the coord-check slopes are derived for plain MLPs (THEORY.md §9.1)"
            : config.Depth != 3 ? $"{config.Depth} weight layers: row 27's +1 was measured with two hidden layers; five measured +0.7 at widths 64-1024"
            : config.Optimizer != "adam" ? "SGD slope +1/2 is a derivation [D] not confirmed by measurement (a first grid measured -0.6 to +0.3 at widths 64-256); shown, not scored"
            : !reluFamily ? $"{config.Activation}: the +1 of row 27 was measured for ReLU; with zero-mean activations it is approached slowly with width"
            : null;
        var prediction = new PredictedValue("coord-slope", slope, 0, CoordSlopeTolerance, null, regimeNote is null, regimeNote);
        return new ExperimentRequest(ExperimentKinds.CoordCheck, spec.Samples, 3,
            Parameters: ImmutableDictionary<string, double>.Empty
                .Add("lr", rate).Add("optimizer", config.Optimizer == "adam" ? 1 : 0).Add("momentum", config.Optimizer == "momentum" ? spec.Momentum : 0)
                .Add("min-multiplier", 0.25).Add("max-multiplier", config.Optimizer == "adam" ? 4 : 1).Add("points", 4),
            Predictions: [prediction]);
    }

    /// <summary>Absolute tolerance on the coord-check slope (THEORY.md row 27 measured +1.00 and 0.01 for the two cases).</summary>
    public const double CoordSlopeTolerance = 0.25;

    /// <summary>
    /// The learning-rate predictions and the measurement each is set against (THEORY.md §8, §18). Plain GD: eta_crit =
    /// 2/lambda_max(H) against the largest rate whose loss is monotone ("lr-monotone", ±20%), and the divergence band
    /// (2.5 eta_crit ± 50%) against the largest rate that does not diverge. Heavy-ball momentum: the loss oscillates well
    /// below the limit, so (2+2 beta)/lambda_max(H) is a linear-stability limit, a lower bound on divergence; the engine's
    /// momentum divergence band ([0.8, 2] x that limit, "eta-divergence") is set against the largest rate that does not diverge.
    /// </summary>
    private static ImmutableArray<PredictedValue>? LrPredictions(GridConfiguration config, LrReport? lr)
    {
        if (lr?.EtaCrit is not { } eta)
            return null;
        var etaPrediction = lr.Predictions.FirstOrDefault(p => p.Id == "eta-crit");
        var divergence = lr.Predictions.FirstOrDefault(p => p.Id == "eta-divergence");
        var inRegime = etaPrediction?.Regime.IsInside ?? true;
        var note = etaPrediction?.Regime.FailingAssumption;
        if (inRegime && config.Width < LrScoredMinWidth)
            (inRegime, note) = (false, $"width {config.Width} < {LrScoredMinWidth}: the ±20% tolerance of THEORY.md §8 holds for width >= {LrScoredMinWidth} (H differs from the Gauss–Newton matrix by O(1/sqrt(width)))");
        var tolerance = etaPrediction?.Experiment.Tolerance.Relative ?? 0.2;
        if (config.Optimizer == "momentum")
            return divergence is null
                ? null
                : [new PredictedValue("lr-threshold", divergence.Value, divergence.Experiment.Tolerance.Relative, 0, null, inRegime && divergence.Regime.IsInside, note ?? divergence.Regime.FailingAssumption)];
        var result = ImmutableArray.CreateBuilder<PredictedValue>();
        result.Add(new PredictedValue("lr-monotone", eta.Value, tolerance, 0, null, inRegime, note));
        if (divergence is not null && lr.DivergenceMedian is { } median)
            result.Add(new PredictedValue("lr-threshold", median, divergence.Experiment.Tolerance.Relative, 0, null, inRegime && divergence.Regime.IsInside, note ?? divergence.Regime.FailingAssumption));
        return result.ToImmutable();
    }
}

/// <summary>The theory's side of one network and optimizer.</summary>
public sealed record GridPredictions(
    ModelGraph Network,
    int Depth,
    ImmutableArray<PredictedValue> Forward,
    Prediction? TrainableDepth,
    LrReport? Lr);
