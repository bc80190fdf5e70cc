using System.Collections.Immutable;
using LearningMechanics.Theory;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.Learning;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Cli.Theory;

/// <summary>
/// The <c>lmech theory</c> subcommands: the engine's answers for arbitrary parameters, so that THEORY.md §16's values
/// (withheld ones included) can be checked from outside. Each computes, never looks up.
/// </summary>
public static class TheoryQueries
{
    public const string InfiniteWidth = "infinite width (mean field)";
    public const string GaussianInit = "Gaussian i.i.d. init, fan-in normalised (W_ij ~ N(0, sigma_w^2/n), b ~ N(0, sigma_b^2))";

    public static readonly ImmutableArray<string> Names =
        ["critical-line", "fixed-point", "ntk", "variance-preserving", "relu-correlation", "momentum", "initial-loss", "saxe", "scaling-law"];

    public static TheoryAnswer Run(string command, TheoryArguments args, CancellationToken cancellationToken = default) => command switch
    {
        "critical-line" => CriticalLine(args),
        "fixed-point" => FixedPoint(args),
        "ntk" => Ntk(args, cancellationToken),
        "variance-preserving" => VariancePreserving(args),
        "relu-correlation" => ReluCorrelation(args),
        "momentum" => Momentum(args),
        "initial-loss" => InitialLossQuery(args),
        "saxe" => Saxe(args, cancellationToken),
        "scaling-law" => ScalingLaw(args),
        _ => throw new TheoryUsageException($"unknown theory subcommand '{command}' ({string.Join(", ", Names)})"),
    };

    private static ActivationRule Phi(TheoryArguments args) => ActivationNames.Parse(args.String("activation"), args.String("alpha") is null ? null : args.Number("alpha"));

    private static ImmutableArray<string> MeanFieldAssumptions(ActivationRule phi) =>
        [InfiniteWidth, GaussianInit, "at initialization", "plain stack of identical layers (no normalisation, residuals or dropout)", $"{phi.Name}: {ActivationNames.Numerics(phi)}"];

    private static TheoryQuantity Q(string quantity, double? value, string unit, ImmutableArray<string> assumptions, TheoryRegime regime, Evidence evidence, string note) =>
        new(quantity, value is { } v && double.IsNaN(v) ? null : value, unit, assumptions, regime, evidence, note);

    private static ImmutableDictionary<string, object> P(params (string Key, object Value)[] pairs) =>
        pairs.ToImmutableDictionary(p => p.Key, p => p.Value);

    /// <summary>THEORY.md §3, §16 rows 1–4: sigma_w^2 with chi_1 = 1 at q*, and q* there.</summary>
    private static TheoryAnswer CriticalLine(TheoryArguments args)
    {
        var phi = Phi(args);
        var sigmaB2 = NonNegative(args, "sigma-b2", 0);
        var assumptions = MeanFieldAssumptions(phi);
        var critical = MeanFieldTheory.CriticalSigmaW2(phi, sigmaB2);
        var parameters = P(("activation", phi.Name), ("sigmaB2", sigmaB2));
        if (critical is not { } sigmaW2)
        {
            var why = phi is AbReluRule relu
                ? $"no critical line at sigma_b^2 = {sigmaB2:G4} > 0: chi_1 = sigma_w^2 (a²+b²)/2 whatever q, and at sigma_w^2 = {1 / relu.MeanSlope2:G4} the length grows without bound (THEORY.md §3)"
                : $"chi_1(sigma_w^2) - 1 does not change sign for sigma_w^2 in [0.05, 50] at sigma_b^2 = {sigmaB2:G4}";
            return new TheoryAnswer("critical-line", parameters,
                [Q("critical-sigma-w2", null, "sigma_w^2 (fan-in normalised)", assumptions, TheoryRegime.Out(why), phi.Evidence, why)]);
        }
        var (qStar, converged) = MeanFieldTheory.FixedPointQ(phi, sigmaW2, sigmaB2);
        var regime = converged ? TheoryRegime.In : TheoryRegime.Out("the q-map iteration did not converge at the critical point");
        var method = sigmaB2 == 0 && phi.ValueAtZero == 0 ? "1/phi'(0)^2 (exact for sigma_b = 0, phi(0) = 0) [D]" : "Brent's method on chi_1(sigma_w^2) - 1, q* by iteration";
        return new TheoryAnswer("critical-line", parameters,
        [
            Q("critical-sigma-w2", sigmaW2, "sigma_w^2 (fan-in normalised)", assumptions, regime, phi.Evidence,
                $"chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] = 1: {method} (THEORY.md §3, §15)"),
            Q("q-star", qStar, "E[h²] per unit", assumptions, regime, phi.Evidence, "length fixed point at the critical sigma_w^2 (THEORY.md §2)"),
        ]);
    }

    /// <summary>THEORY.md §3 table, §16 rows 5–8, 11: q*, c*, chi_1, chi_c, xi_c, 6 xi_c, xi_q.</summary>
    private static TheoryAnswer FixedPoint(TheoryArguments args)
    {
        var phi = Phi(args);
        var sigmaW2 = Positive(args, "sigma-w2");
        var sigmaB2 = NonNegative(args, "sigma-b2", 0);
        var point = MeanFieldTheory.Solve(phi, sigmaW2, sigmaB2);
        var assumptions = MeanFieldAssumptions(phi);
        var regime = !point.Converged
            ? TheoryRegime.Out("a fixed-point iteration did not converge (near criticality the c-map converges polynomially)")
            : double.IsPositiveInfinity(point.QStar)
                ? TheoryRegime.Out($"the length map diverges (sigma_w^2 (a²+b²)/2 = {point.LengthFactor:G4} ≥ 1 with a bias): there is no q*, and the correlation analysis at q* does not apply")
                : TheoryRegime.In;
        var evidence = phi.Evidence;
        var phase = $"{point.Phase} phase (chi_1 {(point.Phase == Phase.Critical ? "≈" : point.Phase == Phase.Ordered ? "<" : ">")} 1)";
        return new TheoryAnswer("fixed-point", P(("activation", phi.Name), ("sigmaW2", sigmaW2), ("sigmaB2", sigmaB2)),
        [
            Q("q-star", point.QStar, "E[h²] per unit", assumptions, regime, evidence, "q* = sigma_w^2 E[phi(sqrt(q*) z)^2] + sigma_b^2 by iteration (THEORY.md §2)"),
            Q("chi1", point.Chi1, "per layer", assumptions, regime, evidence, $"chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]; {phase} (THEORY.md §3)"),
            Q("c-star", point.CStar, "correlation", assumptions, regime, evidence, "stable fixed point of the c-map, iterated from c = 0.5 (1 in the ordered and critical phases; THEORY.md §3)"),
            Q("chi-c", point.ChiC, "per layer", assumptions, regime, evidence, "slope of the c-map at c*: sigma_w^2 E[phi'(u1) phi'(u2)] (THEORY.md §3)"),
            Q("xi-c", point.XiC, "layers", assumptions, regime, evidence,
                phi.IsPositivelyHomogeneous && sigmaB2 == 0
                    ? "+infinity: a positively homogeneous phi without bias has a c-map independent of q with slope 1 at c = 1 (polynomial 1/l² convergence; THEORY.md §3, §18)"
                    : "xi_c = -1/ln chi_c (THEORY.md §3)"),
            Q("six-xi-c", point.SixXiC, "layers", assumptions.Add("SGD; the 6 xi_c rule is empirical (Schoenholz et al. 2017)"), regime, Evidence.Verified,
                "trainable depth L ≲ 6 xi_c (THEORY.md §3; not a verdict alone for ReLU-like phi, §18)"),
            Q("xi-q", point.XiQ, "layers", assumptions, regime, evidence, "xi_q = -1/ln(sigma_w^2 d/dq E[phi^2] at q*) (THEORY.md §3)"),
        ]);
    }

    /// <summary>THEORY.md §6.1, §16 rows 17–18: NTK and NNGP of the readout for two inputs with ||x||² = n_0 and cosine c.</summary>
    private static TheoryAnswer Ntk(TheoryArguments args, CancellationToken cancellationToken)
    {
        var phi = Phi(args);
        var depth = args.Integer("depth");
        if (depth is < 0 or > 100_000)
            throw new TheoryUsageException("--depth (hidden layers) must be in [0, 100000]");
        var sigmaW2 = Positive(args, "sigma-w2");
        var sigmaB2 = NonNegative(args, "sigma-b2", 0);
        var cosine = args.Number("cos", 0.5);
        if (cosine is < -1 or > 1)
            throw new TheoryUsageException("--cos must be in [-1, 1]");
        var kernel = FullyConnectedKernels.Propagate(phi, depth, sigmaW2, sigmaB2, FullyConnectedKernels.UnitPair(cosine), cancellationToken: cancellationToken);
        ImmutableArray<string> assumptions =
        [
            InfiniteWidth, GaussianInit, "NTK parameterization (the forward pass multiplies by sigma_w/sqrt(n); THEORY.md §0.2)",
            $"{depth} hidden layers of affine -> {phi.Name}, then an affine readout; one (sigma_w^2, sigma_b^2) everywhere",
            $"two inputs with ||x||² = n_0 and cos(x, x') = {cosine:G4}", $"{phi.Name}: {ActivationNames.Numerics(phi)}",
        ];
        var evidence = phi is AbReluRule or ErfRule ? Evidence.Derived : Evidence.Computed;
        const string recursion = "Sigma^{l+1} = sigma_w^2 E[phi phi] + sigma_b^2, Theta^{l+1} = Sigma^{l+1} + sigma_w^2 E[phi' phi'] Theta^l (THEORY.md §6.1)";
        return new TheoryAnswer("ntk", P(("activation", phi.Name), ("depth", depth), ("sigmaW2", sigmaW2), ("sigmaB2", sigmaB2), ("cos", cosine)),
        [
            Q("ntk-diagonal", kernel.Theta(0, 0), "Theta(x, x)", assumptions, TheoryRegime.In, evidence, recursion),
            Q("ntk-off-diagonal", kernel.Theta(0, 1), "Theta(x, x')", assumptions, TheoryRegime.In, evidence, recursion),
            Q("nngp-diagonal", kernel.Sigma(0, 0), "Sigma(x, x)", assumptions, TheoryRegime.In, evidence, recursion),
            Q("nngp-off-diagonal", kernel.Sigma(0, 1), "Sigma(x, x')", assumptions, TheoryRegime.In, evidence, recursion),
        ]);
    }

    /// <summary>THEORY.md §2 table, §16 row 14: the gain 1/E[phi(sqrt(q) z)^2]/q... and chi_1 there.</summary>
    private static TheoryAnswer VariancePreserving(TheoryArguments args)
    {
        var phi = Phi(args);
        var q = Positive(args, "q", 1);
        var (gain, chi1) = MeanFieldTheory.VariancePreserving(phi, q);
        var assumptions = MeanFieldAssumptions(phi).Add($"length q = {q:G4}, sigma_b = 0");
        return new TheoryAnswer("variance-preserving", P(("activation", phi.Name), ("q", q)),
        [
            Q("gain", gain, "sigma_w^2 (fan-in normalised)", assumptions, TheoryRegime.In, phi.Evidence, "sigma_w^2 = q/E[phi(sqrt(q) z)^2]: keeps q fixed; not critical init in general (THEORY.md §2)"),
            Q("chi1", chi1, "per layer", assumptions, TheoryRegime.In, phi.Evidence, "chi_1 = gain E[phi'(sqrt(q) z)^2] at that gain (THEORY.md §2)"),
        ]);
    }

    /// <summary>THEORY.md §3, §16 row 13: 1 - c_l of the critical ReLU c-map from c^0, iterated, against 9 pi²/(2 l²).</summary>
    private static TheoryAnswer ReluCorrelation(TheoryArguments args)
    {
        var layers = args.Integer("layers");
        if (layers is < 1 or > 10_000_000)
            throw new TheoryUsageException("--layers must be in [1, 10000000]");
        var c0 = args.Number("c0", 0);
        if (c0 is < -1 or > 1)
            throw new TheoryUsageException("--c0 must be in [-1, 1]");
        var c = c0;
        for (var l = 0; l < layers; l++)
            c = MeanFieldTheory.CorrelationMap(AbReluRule.Relu, 2, 0, 1, c);
        ImmutableArray<string> assumptions = [InfiniteWidth, GaussianInit, "ReLU at sigma_w^2 = 2, sigma_b = 0 (critical)", $"c^0 = {c0:G4}"];
        return new TheoryAnswer("relu-correlation", P(("layers", layers), ("c0", c0)),
        [
            Q("one-minus-c-iterated", 1 - c, "1 - c_l", assumptions, TheoryRegime.In, Evidence.Derived, "the closed-form c-map f(c) = [sqrt(1-c²) + (pi - arccos c) c]/pi iterated l times (THEORY.md §3)"),
            Q("one-minus-c-asymptotic", 9 * Math.PI * Math.PI / (2.0 * layers * layers), "1 - c_l", assumptions,
                layers >= 500 ? TheoryRegime.In : TheoryRegime.Out($"l = {layers} < 500: the 1/l² law is asymptotic (5% at l ≥ 500, THEORY.md §16 row 13)"),
                Evidence.Derived, "9 pi²/(2 l²) (THEORY.md §3)"),
        ]);
    }

    /// <summary>THEORY.md §8.1, §16 rows 20–22: GD, heavy-ball and Nesterov stability limits for a Hessian eigenvalue, and Adam's edge.</summary>
    private static TheoryAnswer Momentum(TheoryArguments args)
    {
        var lambda = Positive(args, "lambda");
        var beta = args.Number("beta", 0.9);
        if (beta is < 0 or >= 1)
            throw new TheoryUsageException("--beta must be in [0, 1)");
        ImmutableArray<string> assumptions = [$"quadratic loss with Hessian eigenvalue lambda = {lambda:G4}", "full batch", $"momentum beta = {beta:G4}, dampening 0 (PyTorch SGD)"];
        return new TheoryAnswer("momentum", P(("lambda", lambda), ("beta", beta)),
        [
            Q("gd-limit", 2 / lambda, "learning rate", assumptions, TheoryRegime.In, Evidence.Verified, "GD is stable iff eta lambda < 2 (THEORY.md §8.1)"),
            Q("heavy-ball-limit", (2 + 2 * beta) / lambda, "learning rate", assumptions, TheoryRegime.In, Evidence.Derived,
                "z² - (1 + beta - eta lambda) z + beta has the root -1 at eta lambda = 2 + 2 beta: the linear-stability limit; oscillation, not monotone decrease, below it; a network's divergence can lie above it (catapult, THEORY.md §8.1, §18)"),
            Q("nesterov-limit", (2 + 2 * beta) / (1 + 2 * beta) / lambda, "learning rate", assumptions, TheoryRegime.In, Evidence.Derived,
                "z² - (1 + beta)(1 - x) z + beta (1 - x) has the root -1 at x = eta lambda = (2 + 2 beta)/(1 + 2 beta)"),
            Q("adam-edge", (2 + 2 * beta) / (1 - beta), "eta · lambda_max(P^-1 H)", assumptions.Add("Adam with beta1 = beta; P = diag(sqrt(v_hat) + eps)"), TheoryRegime.In, Evidence.Derived,
                "the preconditioned sharpness settles at (2 + 2 beta1)/((1 - beta1) eta): 38/eta at beta1 = 0.9 (Cohen et al. 2022; THEORY.md §8.1)"),
        ]);
    }

    /// <summary>THEORY.md §6.2, §16 row 19: cross-entropy at init with K classes and N(0, q) logits.</summary>
    private static TheoryAnswer InitialLossQuery(TheoryArguments args)
    {
        var classes = args.Integer("classes");
        if (classes < 2)
            throw new TheoryUsageException("--classes must be at least 2");
        var q = NonNegative(args, "q", 0);
        ImmutableArray<string> assumptions = [$"{classes} classes, i.i.d. N(0, {q:G4}) logits", "cross-entropy, mean over examples"];
        var regime = q <= 0.5 ? TheoryRegime.In : TheoryRegime.Out($"q = {q:G4} > 0.5: the second-order expansion of logsumexp degrades (THEORY.md §6.2)");
        return new TheoryAnswer("initial-loss", P(("classes", classes), ("q", q)),
        [
            Q("cross-entropy", InitialLoss.CrossEntropy(classes, q), "nats", assumptions, regime, Evidence.Derived, "ln K + q (K-1)/(2K) (THEORY.md §6.2)"),
            Q("cross-entropy-upper-bound", InitialLoss.CrossEntropyUpperBound(classes, q), "nats", assumptions, TheoryRegime.In, Evidence.Derived, "Jensen: ln K + q/2"),
        ]);
    }

    /// <summary>THEORY.md §10, §16 rows 30–31: half-times of each target mode, by the logistic formula and (--simulate) by GD.</summary>
    private static TheoryAnswer Saxe(TheoryArguments args, CancellationToken cancellationToken)
    {
        var singular = args.Numbers("singular-values");
        if (singular.Any(s => s <= 0))
            throw new TheoryUsageException("--singular-values must be positive");
        var dimension = args.Integer("dim", Math.Max(8, singular.Length));
        var hidden = args.Integer("hidden", 64);
        var layers = args.Integer("layers", 2);
        var initStd = Positive(args, "init-std", 1e-4);
        var lr = Positive(args, "lr", 1e-3);
        var simulate = args.Flag("simulate");
        var seed = args.Integer("seed", 0);
        var maxSteps = args.Integer("max-steps", 200_000);
        double? balanced = args.String("balanced-a0") is null ? null : Positive(args, "balanced-a0");
        if (dimension < singular.Length || hidden < 1 || layers is < 1 or > 16 || dimension > 512 || hidden > 512 || maxSteps < 1)
            throw new TheoryUsageException("need dim ≥ number of singular values, 1 ≤ hidden ≤ 512, dim ≤ 512, 1 ≤ layers ≤ 16");
        if (balanced is not null && hidden < singular.Length)
            throw new TheoryUsageException("--balanced-a0 needs hidden ≥ number of singular values");

        var a0 = balanced ?? DeepLinear.RandomInitStrength(initStd, hidden, layers);
        var init = balanced is { } b ? $"balanced aligned init, a_0 = {b:G4} per mode" : $"i.i.d. N(0, {initStd:G3}²) init: a_0 = RMS projected strength std^L h^((L-1)/2) = {a0:G4}";
        ImmutableArray<string> assumptions =
        [
            "deep linear network, whitened inputs, loss 0.5 ||T - W_L...W_1||_F²", $"{layers} weight layers, hidden width {hidden}, d = {dimension}",
            "gradient flow in tau = eta t", init,
        ];
        var regime = lr * singular.Max() * layers > 0.1
            ? TheoryRegime.Out($"large learning rate: eta L s_max = {lr * singular.Max() * layers:G3} > 0.1, the gradient-flow formula assumes small steps (THEORY.md §10)")
            : a0 >= singular.Min() / 10
                ? TheoryRegime.Out($"init not small: a_0 = {a0:G3} ≥ s_min/10, no plateau (lazy regime; THEORY.md §10)")
                : balanced is null
                    ? TheoryRegime.Out("random (not balanced, aligned) init: the formula holds to 5–20% (fast alignment raises the effective a_0; THEORY.md §10)")
                    : TheoryRegime.In;
        var results = ImmutableArray.CreateBuilder<TheoryQuantity>();
        for (var mu = 0; mu < singular.Length; mu++)
        {
            var s = singular[mu];
            var tau = DeepLinear.HalfTimeAtDepth(s, a0, layers);
            results.Add(Q($"half-time-formula[{mu}]", tau, "tau = eta t", assumptions, regime, Evidence.Derived,
                layers == 2 ? $"tau_1/2 = ln[(s - a_0)/a_0]/(2 s) for s = {s:G4} (THEORY.md §10)" : $"∫ da/(L a^(2-2/L)(s - a)) from a_0 to s/2 for s = {s:G4} (THEORY.md §10)"));
            results.Add(Q($"s-times-half-time[{mu}]", s * tau, "s · tau", assumptions, regime, Evidence.Derived, "nearly constant across modes (THEORY.md §10)"));
        }
        if (simulate)
        {
            var run = DeepLinearSimulation.Run(singular, dimension, hidden, layers, initStd, lr, maxSteps, seed, balanced, cancellationToken);
            ImmutableArray<string> simulated = [.. assumptions.SetItem(2, $"full-batch GD, eta = {lr:G3}, seed {seed}, at most {maxSteps} steps")];
            for (var mu = 0; mu < singular.Length; mu++)
            {
                var projected = Math.Abs(run.InitialStrengths[mu]);
                results.Add(Q($"initial-strength[{mu}]", run.InitialStrengths[mu], "u^T W v at t = 0", simulated, TheoryRegime.In, Evidence.Computed, "projected initial strength of the mode"));
                results.Add(Q($"half-time-formula-projected[{mu}]", projected > 0 && projected < singular[mu] / 2 ? DeepLinear.HalfTimeAtDepth(singular[mu], projected, layers) : null,
                    "tau = eta t", simulated, regime, Evidence.Derived, "the formula with the mode's own |projected initial strength| (THEORY.md §10 computed check)"));
                results.Add(Q($"half-time-simulated[{mu}]", run.HalfTimes[mu], "tau = eta t", simulated, TheoryRegime.In, Evidence.Computed,
                    run.HalfTimes[mu] is null ? $"the mode did not reach s/2 within {run.Steps} steps" : "first GD step at which u^T W v ≥ s/2, times eta"));
            }
        }
        return new TheoryAnswer("saxe", P(("singularValues", singular), ("dim", dimension), ("hidden", hidden), ("layers", layers), ("initStd", initStd), ("lr", lr), ("simulate", simulate), ("seed", seed)),
            results.ToImmutable());
    }

    /// <summary>THEORY.md §11–§12, §16 rows 34–37: Chinchilla-form losses and compute-optimal allocation; Kaplan laws.</summary>
    private static TheoryAnswer ScalingLaw(TheoryArguments args)
    {
        var constants = (args.String("constants") ?? "hoffmann").ToLowerInvariant();
        ImmutableArray<string> assumptions = ["transformer language models on the papers' own data and tokenizers: for orientation only (THEORY.md §12)"];
        var regime = TheoryRegime.In;
        var results = ImmutableArray.CreateBuilder<TheoryQuantity>();
        double? n = args.String("n") is null ? null : Positive(args, "n");
        double? d = args.String("d") is null ? null : Positive(args, "d");
        double? compute = args.String("compute") is null ? null : Positive(args, "compute");
        double? loss = args.String("loss") is null ? null : Positive(args, "loss");
        if (constants == "kaplan")
        {
            var kaplan = assumptions.Add("Kaplan et al. 2020 constants [V secondary]");
            if (n is { } parameters)
                results.Add(Q("loss-of-parameters", ScalingLaws.KaplanLossOfParameters(parameters), "nats", kaplan.Add("non-embedding parameters, data unlimited"), regime, Evidence.Verified, "L(N) = (N_c/N)^alpha_N, N_c = 8.8e13, alpha_N = 0.076"));
            if (d is { } tokens)
                results.Add(Q("loss-of-tokens", ScalingLaws.KaplanLossOfTokens(tokens), "nats", kaplan.Add("model size unlimited"), regime, Evidence.Verified, "L(D) = (D_c/D)^alpha_D, D_c = 5.4e13, alpha_D = 0.095"));
            if (loss is { } nats)
                results.Add(Q("critical-batch", ScalingLaws.KaplanCriticalBatch(nats), "tokens", kaplan, regime, Evidence.Verified, "B_crit = B*/L^(1/alpha_B), B* = 2e8, alpha_B = 0.21 (THEORY.md §11)"));
        }
        else
        {
            var law = constants switch
            {
                "hoffmann" or "chinchilla" => ScalingLaws.Hoffmann,
                "epoch" => ScalingLaws.Epoch,
                _ => throw new TheoryUsageException($"unknown --constants '{constants}' (hoffmann, epoch, kaplan)"),
            };
            var labelled = assumptions.Add($"{law.Label}: E = {law.E}, A = {law.A}, B = {law.B}, alpha = {law.Alpha}, beta = {law.Beta}");
            if (n is { } parameters && d is { } tokens)
                results.Add(Q("loss", law.Loss(parameters, tokens), "nats", labelled, regime, Evidence.Computed, "L(N, D) = E + A/N^alpha + B/D^beta (THEORY.md §12)"));
            if (compute is { } flops)
            {
                var (optimalN, optimalD) = law.ComputeOptimal(flops);
                var note = "C = 6ND; G = (alpha A/(beta B))^(1/(alpha+beta)), N* = G (C/6)^(beta/(alpha+beta)), D* = C/(6 N*)";
                results.Add(Q("optimal-parameters", optimalN, "parameters", labelled, regime, Evidence.Computed, note));
                results.Add(Q("optimal-tokens", optimalD, "tokens", labelled, regime, Evidence.Computed, note));
                results.Add(Q("tokens-per-parameter", optimalD / optimalN, "tokens/parameter", labelled, regime, Evidence.Computed, note));
                results.Add(Q("optimal-loss", law.Loss(optimalN, optimalD), "nats", labelled, regime, Evidence.Computed, "L(N*, D*)"));
            }
        }
        if (results.Count == 0)
            throw new TheoryUsageException(constants == "kaplan" ? "give --n, --d or --loss" : "give --n and --d, or --compute");
        return new TheoryAnswer("scaling-law", P(("constants", constants)), results.ToImmutable());
    }

    private static double Positive(TheoryArguments args, string key, double? fallback = null)
    {
        var value = args.Number(key, fallback);
        return value > 0 ? value : throw new TheoryUsageException($"--{key} must be positive");
    }

    private static double NonNegative(TheoryArguments args, string key, double? fallback = null)
    {
        var value = args.Number(key, fallback);
        return value >= 0 ? value : throw new TheoryUsageException($"--{key} must be non-negative");
    }
}
