using System.Collections.Immutable;

namespace LearningMechanics.Theory.Learning;

/// <summary>
/// Learning-rate limits at init from the analytic NTK of the model on a synthetic sample (THEORY.md §8).
/// </summary>
/// <param name="EtaCrit">The threshold in the optimizer's and loss's own convention: for GD the monotone-descent limit
/// 2/lambda_max(H); with momentum the linear-stability limit (2+2 beta)/lambda_max(H) (Nesterov: /(1+2 beta)), a lower
/// bound on divergence below which the loss still oscillates; null for adaptive optimizers, losses without curvature, or when the kernel is unknown (<see cref="Reason"/>).</param>
/// <param name="CatapultUpper">2 x EtaCrit: above it divergence is expected (uv model 4/lambda_0; THEORY.md §8.2).</param>
/// <param name="DivergenceMedian">Where divergence is expected: 2.5 x EtaCrit for GD (MLP grid median; about 2x for ordered
/// and critical nets up to depth 10; THEORY.md §18); for momentum the centre 1.4 x of the band [0.8, 2] x EtaCrit.</param>
/// <param name="LambdaMaxTheta">lambda_max of the n x n analytic NTK (standard parameterization) on the sample.</param>
/// <param name="LambdaMaxEstimate">The closed form (n-1)·mean off-diagonal + mean diagonal of the same NTK (THEORY.md §8.1).</param>
/// <param name="SampleCount">n, the number of synthetic inputs (full-batch GD on them).</param>
/// <param name="Outputs">K, the number of model outputs.</param>
/// <param name="Convention">Loss and optimizer form the thresholds are stated in.</param>
/// <param name="Declared">The declared rate (the schedule's peak when there is one), or null.</param>
/// <param name="DeclaredBand">Where the declared rate falls; null when either side is unknown.</param>
/// <param name="AdaptiveEdge">For adaptive optimizers: the preconditioned-sharpness level (2+2 beta1)/((1-beta1) eta) that
/// training equilibrates at (38/eta at beta1 = 0.9, Cohen et al. 2022), stated as that, not as a raw-rate limit.</param>
public sealed record LrReport(
    LearningRate? EtaCrit,
    double? CatapultUpper,
    double? DivergenceMedian,
    double? LambdaMaxTheta,
    double? LambdaMaxEstimate,
    int SampleCount,
    long Outputs,
    string Convention,
    ImmutableArray<string> Assumptions,
    double? Declared,
    LrBand? DeclaredBand,
    double? AdaptiveEdge,
    string? Reason,
    ImmutableArray<Prediction> Predictions)
{
    /// <summary>How far the NTK moves over the LR check (null when not estimated): the eta predictions are out of regime when it is rich.</summary>
    public LazyWindowEstimate? Window { get; init; }

    /// <summary>How much lambda_max varies across inits at the model's widths (null when not estimated): the eta predictions are out of regime when it is wider than their tolerance.</summary>
    public InitSpreadEstimate? Spread { get; init; }

    /// <summary>How lambda_max moves over the first GD steps at these widths (null when not simulated): eta_crit is set by the sharpness after the transient, and is out of regime when it sharpens.</summary>
    public SharpnessDriftEstimate? Drift { get; init; }

    /// <summary>True when the declared rate is above the monotone threshold: "learning rate above stability limit".</summary>
    public bool DeclaredAboveLimit => DeclaredBand is LrBand.Catapult or LrBand.Divergent;
}
