using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>
/// Model-level figures. <see cref="SignalFactorPerLayer"/> is the factor by which q changes per hidden layer away from
/// any fixed point (sigma_w^2/2 for ReLU); <see cref="TrainableDepth"/> is 6 xi_c (THEORY.md §3).
/// </summary>
public sealed record ModelSummary(
    long Parameters,
    bool ParametersExact,
    int Depth,
    double? Chi1,
    string Phase,
    double? XiC,
    double? TrainableDepth,
    double? SignalFactorPerLayer,
    double? WidthDepthRatio,
    LrSummary? LearningRate);

/// <summary>The declared learning rate against the predicted limits, with the convention they assume (THEORY.md §8).</summary>
/// <param name="OutOfRegime">Why the limits' assumptions fail for this model (finite width, rich over the check window), or
/// null when they hold; the limits are still shown, marked.</param>
/// <param name="DivergenceOutOfRegime">Why the divergence edge in particular is not predicted to ±50 % (deep ReLU nets), or null.</param>
/// <param name="InitSpread">Relative sd of lambda_max from one init to the next at the model's widths (and so of the limits), or null when not drawn.</param>
/// <param name="EarlyDrift">lambda_max after the first GD steps at the limit over lambda_max at init, at the model's widths, when the
/// monotone limit is corrected by it (SharpnessDrift); null when not simulated or not applied.</param>
public sealed record LrSummary(
    Fact<double> Declared,
    SourceSpan? Span,
    string Optimizer,
    double? MonotoneLimit,
    double? DivergenceLimit,
    string Convention,
    ImmutableArray<string> Assumptions,
    string? NotPredictedReason,
    SourceSpan? OptimizerSpan = null,
    string? OutOfRegime = null,
    string? DivergenceOutOfRegime = null,
    double? InitSpread = null,
    double? EarlyDrift = null);
