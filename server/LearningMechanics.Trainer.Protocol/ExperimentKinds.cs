namespace LearningMechanics.Trainer.Protocol;

/// <summary>The experiment kinds the trainer runs, with the parameters each reads from <see cref="ExperimentRequest.Parameters"/>.</summary>
public static class ExperimentKinds
{
    /// <summary>
    /// Per-node statistics at init on Gaussian inputs N(0, E[x^2]) of the input shape, batch <see cref="ExperimentRequest.BatchSize"/>:
    /// SecondMoment (q), Mean, measured init moments, and from one backward pass of the probe scalar
    /// S = sum(output * r), r ~ N(0, 1) fixed, the weight gradient norms and output-gradient second moments.
    /// Parameters: "train" (1 = training mode, so dropout is active; default 0), "gradients" (0 skips the backward pass).
    /// </summary>
    public const string ForwardStats = "forward-stats";

    /// <summary>
    /// Full-batch or mini-batch training on the synthetic task; Series "loss" per step.
    /// Parameters: "lr" (default 0.01), "optimizer" (0 SGD, 1 Adam; default the graph's or SGD), "momentum",
    /// "samples" (training-set size, default BatchSize). Steps = number of steps.
    /// </summary>
    public const string LossCurve = "loss-curve";

    /// <summary>
    /// The largest SGD learning rate at which short full-batch runs do not diverge, by bisection on a log scale.
    /// Scalars "lr-threshold" (divergence), "lr-monotone" (largest rate with a monotone loss), "catapult" (1 when a
    /// loss spike that recovered was seen below the threshold). Parameters: "lr-low", "lr-high", "iterations".
    /// </summary>
    public const string LrThreshold = "lr-threshold";

    /// <summary>
    /// Top eigenvalue of the loss Hessian at init by power iteration on Hessian-vector products (double backward).
    /// Scalar "hessian-lambda-max" (for the loss reduction in use: MSE mean without 1/2 unless the graph says otherwise).
    /// Parameters: "iterations" (default 50), "shift" (power iteration on H + shift*I, to reach the top positive one).
    /// </summary>
    public const string HessianTop = "hessian-top";

    /// <summary>
    /// Empirical NTK Theta = J J^T over a batch (BatchSize samples, scalar output summed over output units unless
    /// "output" selects one) and its top eigenvalue. Scalars "ntk-lambda-max", "ntk-trace", "ntk-mean-diagonal", "ntk-mean-offdiagonal".
    /// </summary>
    public const string NtkLambdaMax = "ntk-lambda-max";

    /// <summary>
    /// Sharpness over full-batch training (THEORY.md §8.3): every "every" steps (default Steps/40) the top eigenvalue of the
    /// loss Hessian by "power-iterations" (default 20) warm-started power iterations on Hessian-vector products; for Adam the
    /// preconditioned sharpness lambda_max(P^{-1/2} H P^{-1/2}), P = sqrt(v_hat) + eps. Series "sharpness", "step", "loss".
    /// Scalars "sharpness-initial", "sharpness-final", "lr", and "eta-sharpness-late-median": the median of lr x sharpness over
    /// the last 25% of the measurements (EoS: in [1.9, 2.2] for GD; AEoS: in [30, 45] for Adam at beta1 = 0.9). Optimizer
    /// parameters as for loss-curve; BatchSize samples, full batch.
    /// </summary>
    public const string SharpnessTracking = "sharpness-tracking";

    /// <summary>
    /// LR range test (Smith; pytorch-lr-finder): one run of Steps (default 100) full-batch steps on BatchSize samples with the
    /// rate growing exponentially from "lr-min" (1e-6) to "lr-max" (10), stopped once the loss exceeds "stop-factor" (4) x the
    /// best so far. Series "lr", "loss". Scalars "suggested-lr" (steepest descent of the smoothed loss against log lr),
    /// "min-loss-lr", "divergence-lr" (first rate past the stop rule; +inf if none), "steps-run".
    /// </summary>
    public const string LrRangeTest = "lr-range-test";

    /// <summary>
    /// Gradient noise scale at init by the two-batch estimator (THEORY.md §11): "repeats" (16) gradients on random batches of
    /// "b-small" (8) and of BatchSize samples from a task of "samples" (4096). E|G_B|^2 = |G|^2 + tr(Sigma)/B gives
    /// Scalars "g-squared" (|G|^2), "trace-sigma" (tr Sigma), "b-simple" (tr Sigma/|G|^2), "g-small-squared", "g-big-squared".
    /// </summary>
    public const string GradientNoiseScale = "gradient-noise-scale";

    /// <summary>
    /// The muP coord check (THEORY.md §9.1): the architecture at "points" (4) widths from "min-multiplier" (0.25) to
    /// "max-multiplier" (4) times the declared hidden widths, Steps (3) full-batch steps each. Scalars "coord-slope" (log–log
    /// slope of mean |Δh| of the 2nd hidden pre-activation against width), "coord-slope-output", "coord-slope-init";
    /// Series "width", "delta-h", "delta-output", "h-init". Optimizer parameters as for loss-curve (default lr 1e-2).
    /// </summary>
    public const string CoordCheck = "coord-check";

    /// <summary>
    /// Lazy vs rich (THEORY.md §9.2): Steps (100) full-batch steps, then Scalars "relative-weight-change"
    /// (||θ_T - θ_0|| / ||θ_0||) and "kernel-distance" (1 - cosine between the empirical NTKs before and after, on
    /// "ntk-samples" (32) probe inputs); Series "layer-relative-change" per weight layer. Optimizer parameters as for loss-curve.
    /// </summary>
    public const string LazyRich = "lazy-rich";

    /// <summary>Debug only (LMECH_TRAINER_DEBUG=1): calls libtorch with mismatched shapes, which aborts the process.</summary>
    public const string DebugAbort = "debug-abort";

    /// <summary>Debug only (LMECH_TRAINER_DEBUG=1): sleeps "seconds" (default 60), to test timeouts and cancellation.</summary>
    public const string DebugSleep = "debug-sleep";
}
