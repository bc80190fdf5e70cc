using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Training;
using LearningMechanics.Theory.Kernels;

namespace LearningMechanics.Theory.Learning;

/// <summary>Learning-rate limits at init: eta_crit, the catapult band and the divergence band (THEORY.md §8).</summary>
/// <remarks>
/// At init in wide nets H ≈ G (Gauss–Newton), so lambda_max(H) = c_loss · lambda_max(Theta) with Theta the NTK on the
/// batch (standard parameterization, as TorchSharp trains) and c_loss from the loss as written:     THEORY.md §8.1
///   MSE mean, no 1/2 (TorchSharp):  lambda_H = 2 lambda/(nK)      ->  eta_crit = nK/lambda
///   MSE mean with 1/2 (papers):     lambda_H = lambda/(nK)        ->  eta_crit = 2nK/lambda
///   MSE sum, no 1/2:                lambda_H = 2 lambda           ->  eta_crit = 1/lambda
///   CE mean, near-uniform softmax:  lambda_H = lambda/(nK)        ->  eta_crit = 2nK/lambda   (output Hessian (1/K)(I - 11^T/K))
///   BCE-with-logits mean at p=1/2:  lambda_H = lambda/(4nK)       ->  eta_crit = 8nK/lambda
/// Momentum: heavy ball eta lambda_H &lt; 2 + 2 beta [D]; Nesterov eta lambda_H &lt; (2 + 2 beta)/(1 + 2 beta) [D: the
/// characteristic polynomial z^2 - (1 + beta)(1 - x) z + beta(1 - x), x = eta lambda, has the root -1 there]. For momentum
/// this is the linear-stability limit, not a monotone-descent limit: heavy-ball iterates oscillate (complex roots) from
/// eta lambda &gt; (1 - sqrt beta)^2 on, far below it. A network survives somewhat above it as GD does (catapult: the
/// curvature falls), so the limit is a lower bound on where training diverges; the divergence band is stated as
/// [0.8, 2] x the limit: at least the limit within §8's ±20%, at most the catapult edge of the uv model (2x the linear
/// limit, THEORY.md §8.2; taken over to momentum by analogy, [D] for the lower edge only). MLP grid: divergence at a
/// median 1.40x (2+2 beta)/lambda_max(H) for beta = 0.9 (bench/RESULTS.md), inside the band.
/// Adam and other adaptive methods: no raw threshold; the preconditioned sharpness settles at (2+2 beta1)/((1-beta1) eta),
/// 38/eta at beta1 = 0.9 (Cohen et al. 2022, [V abstract]).
/// Bands: monotone below eta_crit; catapult up to 2 eta_crit (uv model [C]); divergence above, at a median 2.5x in the
/// MLP training grid (THEORY.md §18). The schedule's peak rate is the one compared.
/// </remarks>
public static class LearningRateLimits
{
    /// <summary>Ratio of the catapult band's upper edge to eta_crit (uv model: 4/lambda_0 against 2/lambda_0).</summary>
    public const double CatapultRatio = 2.0;

    /// <summary>Median divergence point over eta_crit in the MLP training grid (THEORY.md §18).</summary>
    public const double DivergenceMedianRatio = 2.5;

    /// <summary>Synthetic inputs the limits are computed on unless told otherwise (the sample the init-ensemble estimates are memoised for).</summary>
    public const int DefaultSampleCount = 64;

    /// <summary>Half-width of the GD divergence band relative to its centre: 2x–3x eta_crit around 2.5x (THEORY.md §8.2, §18).</summary>
    public const double DivergenceTolerance = 0.5;

    /// <summary>Momentum: the divergence band [MomentumBandLow, MomentumBandHigh] x the linear-stability limit (2+2 beta)/lambda.</summary>
    public const double MomentumBandLow = 0.8, MomentumBandHigh = CatapultRatio;

    /// <summary>Centre of the momentum divergence band, and its half-width relative to the centre.</summary>
    public const double MomentumDivergenceRatio = (MomentumBandLow + MomentumBandHigh) / 2,
        MomentumDivergenceTolerance = (MomentumBandHigh - MomentumBandLow) / (MomentumBandHigh + MomentumBandLow);

    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled (checked per node of the
    /// kernel propagation and per row of pairs in activation rules).</exception>
    public static LrReport For(ModelGraph graph, TheoryReport report, int sampleCount = DefaultSampleCount, int seed = 0, CancellationToken cancellationToken = default)
    {
        var optimizer = graph.Training.Optimizer;
        var loss = graph.Training.Loss is { } declaredLoss ? new LossConvention(declaredLoss.Kind, declaredLoss.Reduction) : LossConvention.TorchMseMean;
        var (form, momentum) = FormOf(optimizer);
        var declared = graph.Training.Schedule is { PeakLearningRate.IsKnown: true } schedule
            ? schedule.PeakLearningRate.Value
            : optimizer is { LearningRate.IsKnown: true } ? optimizer.LearningRate.Value : (double?)null;
        var outputs = graph.InferShapes().OutputOf(graph.Output).Last ?? 1;
        var assumptions = ImmutableArray.Create(
            Prediction.Assumption.InfiniteWidth, Prediction.Assumption.AtInit, Prediction.Assumption.GaussianInit,
            "standard parameterization (PyTorch/TorchSharp), NTK on the batch",
            $"full-batch GD on n = {sampleCount} synthetic Gaussian inputs with E[x²] as declared (seed {seed}); minibatch noise lowers thresholds",
            "H ≈ Gauss–Newton at init (residual term O(1/sqrt(width)))",
            $"loss: {loss.Describe()}");
        var convention = $"{loss.Describe()}; {form}{(momentum != 0 ? $" (beta = {momentum:G3})" : "")}";
        double? adaptiveEdge = form == OptimizerForm.Adaptive && declared is > 0 && optimizer is { } adam
            ? (2 + 2 * adam.Beta1) / ((1 - adam.Beta1) * declared.Value)
            : null;

        LrReport Empty(string reason) => new(null, null, null, null, null, sampleCount, outputs, convention, assumptions, declared, null, adaptiveEdge, reason, []);

        // Design note: an adaptive or unrecognised optimizer gets no raw-rate threshold, so the n x n NTK (the costly part:
        // O(n^2 L) two-dimensional quadratures for smooth activations) is not computed for it at all.
        if (form is OptimizerForm.Adaptive or OptimizerForm.Unknown)
            return Empty(form == OptimizerForm.Unknown
                ? $"optimizer {optimizer?.Name} is not recognised, so no stability threshold is claimed"
                : "adaptive optimizer: the threshold applies to the preconditioned sharpness lambda_max(P^-1 H), which settles at (2+2 beta1)/((1-beta1) eta) (38/eta at beta1 = 0.9); there is no raw-rate limit from the NTK (THEORY.md §8.1, §8.3)");
        if (DataKernels.SyntheticGram(graph, sampleCount, seed) is not { } gram)
            return Empty("the model's input dimension is unknown, so no synthetic sample can be drawn");
        var hessianScale = HessianScale(loss, sampleCount, outputs);
        // The lazy-window estimate (its own propagation on the first 64 probes) runs beside the NTK on the whole sample, when
        // the loss has curvature and so a threshold will be predicted.
        var windowTask = hessianScale is null
            ? Task.FromResult<LazyWindowEstimate?>(null)
            : Task.Run(() => LazyWindow.Estimate(graph, gram, cancellationToken: cancellationToken), cancellationToken);
        var spreadTask = hessianScale is null
            ? Task.FromResult<InitSpreadEstimate?>(null)
            : Task.Run(() => InitSpread.Estimate(graph, gram, seed, cancellationToken), cancellationToken);
        // The early drift is simulated for plain GD on MSE, the dynamics the monotone threshold is checked with.
        var driftTask = hessianScale is null || form != OptimizerForm.GradientDescent || loss.Kind != LossKind.Mse
            ? Task.FromResult<SharpnessDriftEstimate?>(null)
            : Task.Run(() => SharpnessDrift.Estimate(graph, gram, seed, cancellationToken), cancellationToken);
        var state = DataKernels.AtOutput(graph, gram, Parameterization.Standard, cancellationToken: cancellationToken);
        if (state.Kernel is not { } kernel)
            return Empty(state.NoTheory ?? "no theory for the output");
        cancellationToken.ThrowIfCancellationRequested();
        var theta = kernel.ThetaMatrix();
        var lambdaMax = DataKernels.LambdaMax(theta);
        var lambdaEstimate = DataKernels.LambdaMaxEstimate(theta);
        if (!(lambdaMax > 0))
            return Empty("the NTK at init is zero (for example all-zero weights), so there is no curvature-based threshold");

        var regime = report.FiniteWidthBeta > TheoryEngine.FiniteWidthLimit
            ? Regime.Outside($"finite width: sum 1/n_l = {report.FiniteWidthBeta:G3} > {TheoryEngine.FiniteWidthLimit} (THEORY.md §4.3, §18)")
            : Regime.Inside;
        var kernelCheck = new Experiment("ntk-check", Tolerance.RelativeOf(0.10, "relative Frobenius error < 10% at width >= 1024 (THEORY.md §6.2)"),
            "empirical NTK J J^T of the initialised net on the same inputs");
        var outputIds = ImmutableArray.Create(graph.Output);
        var predictions = ImmutableArray.CreateBuilder<Prediction>();
        predictions.Add(new Prediction("lambda-max-ntk", lambdaMax, "lambda_max(Theta), standard parameterization", assumptions, regime, Evidence.Derived, outputIds, kernelCheck,
            $"lambda_max of the analytic NTK on {sampleCount} inputs = {lambdaMax:G4} (THEORY.md §6.1, §8.1)"));
        predictions.Add(new Prediction("lambda-max-estimate", lambdaEstimate, "lambda_max(Theta), standard parameterization", assumptions, regime, Evidence.Derived, outputIds,
            new Experiment("ntk-check", Tolerance.RelativeOf(0.15, "15% against the exact lambda_max (THEORY.md §16 row 43)"), "compare with the exact eigenvalue"),
            $"(n-1)·mean off-diagonal + mean diagonal = {lambdaEstimate:G4} (THEORY.md §8.1)"));

        if (hessianScale is not { } scale)
            return Empty($"{loss.Describe()}: no curvature-based threshold for this loss") with
            {
                LambdaMaxTheta = lambdaMax, LambdaMaxEstimate = lambdaEstimate, Predictions = predictions.ToImmutable(),
            };
        var lambdaH = scale * lambdaMax;
        // Finite width: the sharpness that sets the monotone threshold is the one after the early transient (SharpnessDrift).
        var drift = driftTask.GetAwaiter().GetResult();
        var driftFactor = drift?.LimitFactor ?? 1;
        double? etaCritValue = form switch
        {
            OptimizerForm.GradientDescent => 2 / (lambdaH * driftFactor),
            OptimizerForm.HeavyBall => (2 + 2 * momentum) / lambdaH,
            OptimizerForm.Nesterov => (2 + 2 * momentum) / (1 + 2 * momentum) / lambdaH,
            _ => null,
        };
        if (etaCritValue is not { } etaCrit)
        {
            var reason = form == OptimizerForm.Unknown
                ? $"optimizer {optimizer?.Name} is not recognised, so no stability threshold is claimed"
                : "adaptive optimizer: the threshold applies to the preconditioned sharpness lambda_max(P^-1 H), which settles at (2+2 beta1)/((1-beta1) eta) (38/eta at beta1 = 0.9); there is no raw-rate limit from the NTK (THEORY.md §8.1, §8.3)";
            return Empty(reason) with { LambdaMaxTheta = lambdaMax, LambdaMaxEstimate = lambdaEstimate, Predictions = predictions.ToImmutable() };
        }
        // THEORY.md §9.2: the threshold from the curvature at init holds over the check only while the kernel stays near Theta_0.
        var window = windowTask.GetAwaiter().GetResult();
        var windowRegime = window is { IsLazy: false } rich
            ? Regime.Outside($"rich over the check window: the linearised dynamics move the NTK by ≈ {rich.KernelGrowth:P0} (> {LazyWindow.GrowthLimit:P0}, which moves the threshold by the check's {LazyWindow.Tolerance:P0}) in {LazyWindow.Steps} steps at {LazyWindow.RateFraction} x eta_crit " +
                $"(largest layer feature change {rich.FeatureChange.Max():G2}: the output is small next to unit-variance targets and the weights must grow), so the curvature at init does not set the limit (THEORY.md §9.2; Chizat, Oyallon & Bach 2019)")
            : Regime.Inside;
        // THEORY.md §4.3: a threshold predicted for the init ensemble cannot be met within a tolerance narrower than the
        // ensemble's own spread of lambda_max (Hanin & Nica 2019). A threshold scales as 1/lambda_max, so lambda in
        // [1 - I, 1 + I] puts it in [1/(1 + I), 1/(1 - I)]; within ±tau needs I <= tau/(1 + tau) (the upper side binds).
        var spread = spreadTask.GetAwaiter().GetResult();
        Regime SpreadRegime(double tolerance) => spread is { } s && s.Interval95 > SpreadLimit(tolerance)
            ? Regime.Outside($"finite width: lambda_max(Theta) varies by ±{s.Interval95:P0} (95 %) from one init to the next at these widths ({s.Draws} draws of the init ensemble on {s.SampleCount} probes), which moves the threshold by more than the ±{tolerance:P0} it is checked to (THEORY.md §4.3; Hanin & Nica 2019)")
            : Regime.Inside;
        var driftRegime = drift is { IsSharpening: true } sharpening
            ? Regime.Outside($"sharpening: at eta_crit lambda_max(Theta) grows by {(double.IsFinite(sharpening.PeakGrowth) ? sharpening.PeakGrowth.ToString("P0") : "without bound")} within {SharpnessDrift.Steps} steps " +
                $"({sharpening.Draws} nets drawn at these widths; > {LazyWindow.GrowthLimit:P0}, which moves the threshold by the check's {LazyWindow.Tolerance:P0}), so the curvature at init does not set the limit (THEORY.md §9.2; Kalra & Barkeshli 2023)")
            : Regime.Inside;
        var etaRegime = regime.And(windowRegime).And(SpreadRegime(LazyWindow.Tolerance)).And(driftRegime);
        var lrScan = new Experiment("lr-scan", Tolerance.RelativeOf(LazyWindow.Tolerance, "empirical boundary within ±20% for width >= 512 (THEORY.md §8 CPU check)"),
            "30 full-batch steps at 0.8x (expect monotone decrease) and 1.25x (expect an increase within 10 steps, MSE)");
        var etaAssumptions = assumptions.Add($"optimizer: {form}{(momentum != 0 ? $", beta = {momentum:G3}" : "")}").Add(window is { } lazy
            ? $"lazy over the check: NTK change ≈ {lazy.KernelGrowth:P0} in {LazyWindow.Steps} steps at {LazyWindow.RateFraction} x eta_crit, unit-variance targets (linearised estimate, THEORY.md §9.2)"
            : "lazy over the check: not estimated for this graph's ops (convolutions, norms, attention)").Add(spread is { } drawn
            ? $"init-to-init spread of lambda_max at these widths: ±{drawn.RelativeSpread:P0} (1 sd, {drawn.Draws} draws of the init ensemble; mean {drawn.MeanRatio:F2}x the infinite-width value)"
            : "init-to-init spread of lambda_max: not estimated (ops without a sampler, or too large to sample)");
        if (form == OptimizerForm.GradientDescent)
            etaAssumptions = etaAssumptions.Add(drift is { LimitFactor: not null } moved
                ? $"finite-width early drift: lambda_max moves by {moved.Correction - 1:+0.0%;-0.0%} (± {moved.StandardError:P1}) over the first {SharpnessDrift.TransientSteps} GD steps at eta_crit ({moved.Draws} nets drawn at these widths, teacher targets), so eta_crit = 2/(lambda_max(H_0) x {moved.Correction:F3}) (Lewkowycz et al. 2020; Kalra & Barkeshli 2023)"
                : drift is null
                    ? "finite-width early drift of lambda_max: not simulated (MSE with one output and Linear/activation/residual ops only, or too large), so eta_crit = 2/lambda_max(H_0)"
                    : "finite-width early drift of lambda_max: sharpening (out of regime), so eta_crit = 2/lambda_max(H_0) uncorrected");
        var hasMomentum = form is OptimizerForm.HeavyBall or OptimizerForm.Nesterov;
        var divergenceRegime = regime.And(windowRegime).And(SpreadRegime(hasMomentum ? MomentumDivergenceTolerance : DivergenceTolerance)).And(driftRegime).And(DivergenceEdgeRegime(graph));
        var divergenceAt = (hasMomentum ? MomentumDivergenceRatio : DivergenceMedianRatio) * etaCrit;
        if (hasMomentum)
        {
            var stabilityCheck = new Experiment("lr-scan", Tolerance.RelativeOf(LazyWindow.Tolerance, "no divergence below 0.8x the limit (THEORY.md §8 ±20%); the loss oscillates below it, so it is not a monotone threshold"),
                "scan rates with the declared momentum; record the largest rate that does not diverge");
            predictions.Add(new Prediction("eta-crit", etaCrit, "learning rate", etaAssumptions.Add("linear stability of the quadratic model (heavy-ball characteristic polynomial)"), etaRegime, Evidence.Derived, outputIds, stabilityCheck,
                $"linear-stability limit {(form == OptimizerForm.Nesterov ? "(2+2 beta)/((1+2 beta) lambda_max(H))" : "(2+2 beta)/lambda_max(H)")} = {etaCrit:G3} ({convention}), lambda_max(H) = {lambdaH:G4}: a lower bound on divergence, not a monotone-descent limit (momentum oscillates well below it; THEORY.md §8.1)"));
            predictions.Add(new Prediction("eta-divergence", divergenceAt, "learning rate", etaAssumptions.Add("catapult band edge 2x the linear limit, as for GD in the uv model (by analogy for momentum)"), divergenceRegime, Evidence.Derived, outputIds,
                new Experiment("lr-scan", Tolerance.RelativeOf(MomentumDivergenceTolerance, $"divergence between {MomentumBandLow}x and {MomentumBandHigh}x the linear-stability limit (THEORY.md §8.1, §8.2)"),
                    "scan rates with the declared momentum; record the largest rate that does not diverge"),
                $"divergence expected between {MomentumBandLow * etaCrit:G3} and {MomentumBandHigh * etaCrit:G3} ({MomentumBandLow}–{MomentumBandHigh}x the linear limit; MLP grid median 1.4x, bench/RESULTS.md)"));
        }
        else
        {
            predictions.Add(new Prediction("eta-crit", etaCrit, "learning rate", etaAssumptions, etaRegime, Evidence.Derived, outputIds, lrScan,
                $"monotone-descent limit eta_crit = {etaCrit:G3} ({convention}); 2/lambda_max(H) with lambda_max(H) = {lambdaH:G4}{(drift?.LimitFactor is not null ? $" at init, x {driftFactor:F3} after the first {SharpnessDrift.TransientSteps} steps at these widths" : "")} (THEORY.md §8.1)"));
            predictions.Add(new Prediction("eta-divergence", divergenceAt, "learning rate", etaAssumptions, divergenceRegime, Evidence.Computed, outputIds,
                new Experiment("lr-scan", Tolerance.RelativeOf(DivergenceTolerance, "divergence between 2x and 3x eta_crit (THEORY.md §8.2, §18)"), "scan multiples of eta_crit; record the first divergent run"),
                $"catapult band ({etaCrit:G3}, {CatapultRatio * etaCrit:G3}); divergence expected above ≈ {divergenceAt:G3} (median 2.5x in the MLP grid, THEORY.md §18)"));
        }
        LrBand? band = declared is { } rate ? rate < etaCrit ? LrBand.Monotone : rate < CatapultRatio * etaCrit ? LrBand.Catapult : LrBand.Divergent : null;
        return new LrReport(
            new LearningRate(etaCrit, loss, form, momentum), CatapultRatio * etaCrit, divergenceAt, lambdaMax, lambdaEstimate,
            sampleCount, outputs, convention, etaAssumptions, declared, band, adaptiveEdge, null, predictions.ToImmutable()) { Window = window, Spread = spread, Drift = drift };
    }

    /// <summary>Largest 95 % interval of lambda_max (relative) that keeps a threshold ∝ 1/lambda_max within ±<paramref name="tolerance"/>: tau/(1 + tau), 1/6 at ±20 %.</summary>
    public static double SpreadLimit(double tolerance) => tolerance / (1 + tolerance);

    /// <summary>
    /// THEORY.md §8.2: the divergence edge (2x–3x eta_crit) comes from the uv model and a 1-hidden-layer ReLU net; for deeper
    /// ReLU nets "eta_max is uncertain" (the ~12/lambda_0 figure is [U]), so the divergence band is out of regime there. The
    /// same holds for the other unbounded ReLU-like activations (GELU, SiLU, ELU, SELU, Softplus, Mish, leaky ReLU): a GELU
    /// net of 2 hidden layers diverged at 8.2x eta_crit in the held-out grid lazy-window-36 (bench/RESULTS.md). Saturating
    /// activations (tanh, sigmoid, hardtanh, ReLU6) keep the loss bounded and stay in regime (THEORY.md §18).
    /// </summary>
    public static Regime DivergenceEdgeRegime(ModelGraph graph)
    {
        var unbounded = graph.Nodes.Count(n => n.Op is Model.Ops.Activation { Function: var f } && IsUnboundedReluLike(f));
        return unbounded > 1
            ? Regime.Outside($"{unbounded} unbounded ReLU-like activation layers: the divergence edge is known for the uv model and one hidden ReLU layer; for deeper ReLU-like nets it is uncertain (THEORY.md §8.2)")
            : Regime.Inside;
    }

    private static bool IsUnboundedReluLike(Model.Ops.ActivationKind kind) => kind is Model.Ops.ActivationKind.ReLU or Model.Ops.ActivationKind.LeakyReLU
        or Model.Ops.ActivationKind.GELU or Model.Ops.ActivationKind.SiLU or Model.Ops.ActivationKind.ELU or Model.Ops.ActivationKind.SELU
        or Model.Ops.ActivationKind.Softplus or Model.Ops.ActivationKind.Mish;

    /// <summary>c_loss with lambda_max(H) = c_loss lambda_max(Theta) at init, or null for a loss without curvature (L1, unknown).</summary>
    public static double? HessianScale(LossConvention loss, int n, long outputs)
    {
        var half = loss.HasHalf ? 0.5 : 1.0;
        var perTermCount = loss.Reduction == LossReduction.Sum ? 1.0 : n * (double)outputs;
        var perExampleCount = loss.Reduction == LossReduction.Sum ? 1.0 : n;
        return loss.Kind switch
        {
            LossKind.Mse => 2 * half / perTermCount,
            LossKind.CrossEntropy or LossKind.Nll => 1.0 / outputs / perExampleCount,
            LossKind.Bce => 0.25 / perTermCount,
            _ => null,
        };
    }

    private static (OptimizerForm Form, double Momentum) FormOf(OptimizerSpec? optimizer) => optimizer switch
    {
        null => (OptimizerForm.GradientDescent, 0),
        { Kind: OptimizerKind.Sgd, Momentum: 0 } => (OptimizerForm.GradientDescent, 0),
        { Kind: OptimizerKind.Sgd, Nesterov: true } => (OptimizerForm.Nesterov, optimizer.Momentum),
        { Kind: OptimizerKind.Sgd } => (OptimizerForm.HeavyBall, optimizer.Momentum),
        { Kind: OptimizerKind.Other } => (OptimizerForm.Unknown, 0),
        _ => (OptimizerForm.Adaptive, 0),
    };
}
