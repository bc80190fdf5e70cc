using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Kernels;
using LearningMechanics.Theory.MeanField;
using LearningMechanics.Theory.Rules;
using static LearningMechanics.Theory.Prediction.Assumption;

namespace LearningMechanics.Theory;

/// <summary>
/// Entry point: the signal-propagation predictions of a model at initialization (THEORY.md §2–§4).
/// Pure: no IO, deterministic, never throws on a well-formed graph, never returns NaN.
/// </summary>
public static class TheoryEngine
{
    /// <summary>Finite-width reliability threshold on beta = sum 1/n_l (THEORY.md §4.3).</summary>
    public const double FiniteWidthLimit = 0.2;

    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled (checked per node of each
    /// kernel propagation).</exception>
    public static TheoryReport Analyze(ModelGraph graph, CancellationToken cancellationToken = default)
    {
        var inputSecondMoment = DataKernels.InputSecondMoment(graph);
        var states = KernelPropagation.Run(graph, KernelMatrix.SingleInput(inputSecondMoment), Parameterization.Ntk, cancellationToken: cancellationToken);
        double? QOf(int id) => states[id].Kernel?.Q(0);

        var consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Consumer: n.Id))).ToLookup(p => p.Input, p => p.Consumer);
        var weightIds = graph.Nodes.Where(n => LinearRule.IsWeightOp(n.Op)).Select(n => n.Id).ToList();
        var hops = weightIds.Select(id => GradientChain.Follow(graph, consumers, id)).Where(h => h is not null).ToDictionary(h => h!.From, h => h!);

        // Per-layer chi and the cumulative gain, from the readout backwards.
        var chi = new Dictionary<int, double>();
        foreach (var hop in hops.Values)
        {
            if (QOf(hop.From) is not { } q)
                continue;
            var slope2 = hop.Phi?.SlopeSecondMoment(q) ?? 1;
            chi[hop.From] = graph[hop.To].SigmaW2!.Value * slope2 * hop.DropoutGain;
        }
        var cumulative = new Dictionary<int, double>();
        for (var idx = weightIds.Count - 1; idx >= 0; idx--)
        {
            var id = weightIds[idx];
            if (idx == weightIds.Count - 1 && !hops.ContainsKey(id))
                cumulative[id] = 1;
            else if (hops.TryGetValue(id, out var hop) && chi.TryGetValue(id, out var c) && cumulative.TryGetValue(hop.To, out var rest))
                cumulative[id] = c * rest;
        }

        var layers = graph.Nodes.Select(node =>
        {
            var isWeight = LinearRule.IsWeightOp(node.Op);
            double? ratio = null;
            if (isWeight && QOf(node.Id) is { } q)
            {
                var previous = weightIds.LastOrDefault(w => w < node.Id, -1);
                var before = previous >= 0 ? QOf(previous) : QOf(0);
                ratio = before is > 0 ? q / before : null;
            }
            return new LayerSignal(
                node.Id, node.Name, node.Op.Kind, QOf(node.Id), ratio,
                chi.TryGetValue(node.Id, out var c) ? c : null,
                cumulative.TryGetValue(node.Id, out var g) ? g : null,
                node.SigmaW2, node.SigmaB2, states[node.Id].NoTheory);
        }).ToImmutableArray();

        var beta = weightIds.Take(Math.Max(0, weightIds.Count - 1)).Sum(id => 1.0 / Width(graph[id].Op));
        var network = NetworkLevel(graph, hops, chi, QOf);
        var stop = states.FirstOrDefault(s => s.StoppedAt is not null);
        var context = new ReportContext(graph, layers, weightIds, beta, network, inputSecondMoment, cancellationToken);
        var caveats = Caveats(context, states);
        var predictions = Predictions(context).AddRange(ExtendedPredictions(context, states, hops));
        return new TheoryReport(
            layers, network.Point, network.Chi1, network.Chi1 is { } chi1 ? MeanFieldTheory.PhaseOf(chi1) : null, network.XiC,
            network.TrainableDepth, graph.Depth, network.LengthFactor, beta, stop?.StoppedAt, stop?.NoTheory, predictions, caveats);
    }

    private sealed record NetworkState(MeanFieldPoint? Point, ActivationRule? Phi, double? Chi1, double? XiC, double? TrainableDepth, double? LengthFactor);

    private sealed record ReportContext(
        ModelGraph Graph, ImmutableArray<LayerSignal> Layers, List<int> WeightIds, double Beta, NetworkState Network, double InputSecondMoment,
        CancellationToken CancellationToken);

    /// <summary>The repeated hidden layer (weight -> phi -> weight with one shared phi, sigma_w^2, sigma_b^2) and its mean-field point.</summary>
    private static NetworkState NetworkLevel(ModelGraph graph, Dictionary<int, GradientChain> hops, Dictionary<int, double> chi, Func<int, double?> qOf)
    {
        var transitions = hops.Values.Where(h => h.Phi is not null).OrderBy(h => h.From).ToList();
        if (transitions.Count > 0)
        {
            var phi = transitions[0].Phi!;
            var sigmaW2s = transitions.Select(h => graph[h.To].SigmaW2!.Value).ToList();
            var sigmaB2s = transitions.Select(h => graph[h.To].SigmaB2 ?? 0).ToList();
            var shared = transitions.All(h => h.Phi == phi && h.DropoutGain == 1)
                && sigmaW2s.Max() - sigmaW2s.Min() <= 1e-6 * sigmaW2s.Max()
                && sigmaB2s.Max() - sigmaB2s.Min() <= Math.Max(1e-3, 0.05 * sigmaB2s.Max());
            if (shared)
            {
                var point = MeanFieldTheory.Solve(phi, sigmaW2s.Average(), sigmaB2s.Average());
                var entryQ = qOf(transitions[0].From);
                var lengthFactor = phi is AbReluRule || entryQ is not > 0
                    ? point.LengthFactor
                    : point.SigmaW2 * phi.SecondMoment(entryQ.Value) / entryQ.Value;
                var trainable = phi.IsPositivelyHomogeneous ? 6 * Math.Min(point.XiC, point.XiLength) : point.SixXiC;
                return new NetworkState(point, phi, point.Chi1, point.XiC, trainable, lengthFactor);
            }
        }
        if (chi.Count == 0)
            return new NetworkState(null, null, null, null, null, null);
        // Heterogeneous layers: the geometric mean of the per-layer gains; xi from it in the ordered and critical phases only.
        var chi1 = Math.Exp(chi.Values.Average(c => Math.Log(Math.Max(c, 1e-300))));
        double? xiC = MeanFieldTheory.PhaseOf(chi1) switch
        {
            Phase.Critical => double.PositiveInfinity,
            Phase.Ordered => MeanFieldTheory.DepthScale(chi1),
            _ => null,
        };
        return new NetworkState(null, null, chi1, xiC, xiC * 6, null);
    }

    private static ImmutableArray<Caveat> Caveats(ReportContext context, ImmutableArray<NodeState> states)
    {
        var (graph, network) = (context.Graph, context.Network);
        var result = ImmutableArray.CreateBuilder<Caveat>();
        foreach (var stop in states.Where(s => s.StoppedAt is not null).GroupBy(s => s.StoppedAt!.Value))
            result.Add(new Caveat("no-theory", stop.First().NoTheory!, [stop.Key], Evidence.Derived));
        var batchNorms = graph.Nodes.Where(n => n.Op is BatchNorm).Select(n => n.Id).ToImmutableArray();
        if (batchNorms.Length > 0 && !graph.Nodes.Any(n => n.Op is Add))
            result.Add(new Caveat(
                "batchnorm-gradient-explosion",
                "deep BatchNorm without residual connections: gradients grow exponentially with depth at init, whatever sigma_w or the activation (Yang et al. 2019, THEORY.md §4.2; the per-layer rate is unverified)",
                batchNorms, Evidence.Verified));
        var dropouts = graph.Nodes.Where(n => n.Op is Dropout).Select(n => n.Id).ToImmutableArray();
        if (dropouts.Length > 0)
            result.Add(new Caveat(
                "dropout-breaks-criticality",
                "dropout adds 1/rho to the diagonal of the kernel only, so c = 1 is no longer a fixed point and there is no order-to-chaos critical point (Schoenholz et al. 2017, THEORY.md §2)",
                dropouts, Evidence.Derived));
        if (context.Beta > FiniteWidthLimit)
            result.Add(new Caveat(
                "finite-width",
                $"sum 1/n_l = {context.Beta:G3} > {FiniteWidthLimit}: per-example activation and gradient scales fluctuate by more than 2x (E[M²]/E[M]² ≈ exp(5·beta) = {Math.Exp(5 * context.Beta):G3}); mean-field predictions unreliable (THEORY.md §4.3)",
                [.. context.WeightIds], Evidence.Computed));
        var hidden = context.WeightIds.Where(id => context.Layers[id].Q is > 0).ToList();
        if (hidden.Count >= 2)
        {
            var ratio = context.Layers[hidden[^1]].Q!.Value / context.Layers[hidden[0]].Q!.Value;
            if (ratio < 1e-3)
                result.Add(new Caveat("signal-vanishes", $"the pre-activation length falls by {1 / ratio:G3}x from the first to the last weight layer (THEORY.md §2)", [hidden[0], hidden[^1]], Evidence.Derived));
            else if (ratio > 1e3)
                result.Add(new Caveat("signal-explodes", $"the pre-activation length grows by {ratio:G3}x from the first to the last weight layer (THEORY.md §2)", [hidden[0], hidden[^1]], Evidence.Derived));
        }
        if (network.TrainableDepth is { } trainable && graph.Depth > trainable)
            result.Add(new Caveat(
                "depth-beyond-trainable",
                $"depth {graph.Depth} exceeds the trainable depth ≈ {trainable:G3} layers (6 xi_c, with the length and gradient depth scales for ReLU-like activations; THEORY.md §3, §18)",
                [.. context.WeightIds], Evidence.Verified));
        return result.ToImmutable();
    }

    private static ImmutableArray<Prediction> Predictions(ReportContext context)
    {
        var (graph, network, beta) = (context.Graph, context.Network, context.Beta);
        var result = ImmutableArray.CreateBuilder<Prediction>();
        var widthRegime = beta > FiniteWidthLimit
            ? Regime.Outside($"finite width: sum 1/n_l = {beta:G3} > {FiniteWidthLimit} (THEORY.md §4.3)")
            : Regime.Inside;
        var meanFieldRegime = widthRegime.And(PlainChainRegime(graph));
        var forwardTolerance = beta < 0.05
            ? Tolerance.RelativeOf(0.05, "relative error < 5% at L/n < 0.05 (THEORY.md §2)")
            : Tolerance.RelativeOf(0.15, "relative error < 15% at L/n < 0.2 (THEORY.md §2)");
        var forwardStats = new Experiment("forward-stats", forwardTolerance,
            "forward 64–256 random inputs with E[x²] as declared through the initialised net; mean over units and inputs of each node's output squared");
        ImmutableArray<string> baseAssumptions = [InfiniteWidth, GaussianInit, AtInit, InputSecondMoment(context.InputSecondMoment)];

        foreach (var layer in context.Layers.Where(l => l.Q is not null && l.NodeId != 0))
        {
            var op = graph[layer.NodeId].Op;
            var evidence = op is Activation activation && Activations.For(activation) is { } rule ? rule.Evidence : Evidence.Derived;
            var assumptions = op is Dropout ? baseAssumptions.Add(TrainingModeDropout) : baseAssumptions;
            result.Add(new Prediction("forward-variance", layer.Q!.Value, "E[h²] per unit", assumptions, widthRegime, evidence, [layer.NodeId], forwardStats,
                $"{layer.Name}: mean squared output {layer.Q:G4} (q-map, THEORY.md §2)"));
        }

        var gradientStats = new Experiment("gradient-stats", new Tolerance(0, 0.05, "log ||delta^l||² slope within ±0.05 per layer (THEORY.md §2, §4.1)"),
            "backpropagate a unit loss gradient through the initialised net on 64–256 random inputs; fit log ||delta^l||² against l");
        var firstWeight = context.WeightIds.FirstOrDefault(-1);
        if (firstWeight >= 0 && context.Layers[firstWeight].CumulativeGradientGain is { } gain && context.WeightIds.Count > 1)
            result.Add(new Prediction("gradient-gain", gain, "||delta^1||² / ||delta^L||²", baseAssumptions, meanFieldRegime, Evidence.Derived,
                [firstWeight, context.WeightIds[^1]], gradientStats,
                $"first-to-last gradient ratio {gain:G3}: product of sigma_w^2 E[phi'(h)^2] over layers (THEORY.md §4.1)"));

        if (network.Chi1 is { } chi1)
        {
            var chiEvidence = network.Phi?.Evidence ?? Evidence.Derived;
            var summary = network.Point is null
                ? $"chi_1 ≈ {chi1:G4} (geometric mean of per-layer gains; hidden layers differ) → {MeanFieldTheory.PhaseOf(chi1)}"
                : $"chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] = {chi1:G4} at q* = {network.Point.QStar:G4} → {network.Point.Phase} (THEORY.md §3)";
            result.Add(new Prediction("chi1", chi1, "per layer", baseAssumptions, meanFieldRegime, chiEvidence, [.. context.WeightIds], gradientStats, summary));
        }
        if (network.Point is { } point)
        {
            result.Add(new Prediction("q-star", point.QStar, "E[h²] per unit", baseAssumptions, widthRegime, network.Phi!.Evidence, [.. context.WeightIds], forwardStats,
                $"length fixed point q* = {point.QStar:G4} of q = sigma_w^2 E[phi²] + sigma_b^2 (THEORY.md §2)"));
            if (MeanFieldTheory.CriticalSigmaW2(network.Phi, point.SigmaB2) is { } critical)
                result.Add(new Prediction("critical-sigma-w2", critical, "sigma_w^2 (fan-in normalised)", baseAssumptions, meanFieldRegime, network.Phi.Evidence,
                    [.. context.WeightIds], new Experiment("kernel-correlation", Tolerance.RelativeOf(0.01, "±1% (THEORY.md §16)"), "scan sigma_w^2; measure the c-map slope at c = 1"),
                    $"critical init for {network.Phi.Name} at sigma_b^2 = {point.SigmaB2:G3}: sigma_w^2 = {critical:G5} (chi_1 = 1; THEORY.md §3)"));
        }
        if (network.XiC is { } xiC)
            result.Add(new Prediction("xi-c", xiC, "layers", baseAssumptions, meanFieldRegime, network.Phi?.Evidence ?? Evidence.Derived, [.. context.WeightIds],
                new Experiment("kernel-correlation", new Tolerance(0, 0.03, "|c^l measured - c^l predicted| < 0.03 for l <= 3 xi_c (THEORY.md §3)"),
                    "push input pairs with a chosen c^0 through a width-1000 net and compare c^l against the iterated c-map"),
                $"correlation depth scale xi_c = {FormatDepth(xiC)} (THEORY.md §3)"));
        if (network.LengthFactor is { } lengthFactor)
            result.Add(new Prediction("length-factor", lengthFactor, "q^{l+1}/q^l per layer", baseAssumptions, widthRegime, network.Phi?.Evidence ?? Evidence.Derived,
                [.. context.WeightIds], forwardStats,
                $"each hidden layer multiplies the length by {lengthFactor:G4} (bias excluded; sigma_w^2/2 for ReLU; THEORY.md §2)"));
        if (network.TrainableDepth is { } trainableDepth)
        {
            var regime = meanFieldRegime;
            if (regime.IsInside && graph.Training.Optimizer is { Kind: not Model.Training.OptimizerKind.Sgd })
                regime = Regime.Outside("adaptive optimizer: Adam-like updates rescue some ordered-phase nets, so the trainable band is wider (THEORY.md §3)");
            result.Add(new Prediction("trainable-depth", trainableDepth, "layers", baseAssumptions.Add("SGD"), regime, Evidence.Verified, [.. context.WeightIds],
                new Experiment("trainability-scan", new Tolerance(0, 0, "band scoring: expect trainable at L < 2 xi_c, untrainable at L > 12 xi_c (THEORY.md §3)"),
                    "300 SGD steps on a synthetic task at several depths; trainable when the loss falls below 50% of its initial value and of the target variance"),
                $"trainable up to ≈ {FormatDepth(trainableDepth)} layers (6 xi_c; for ReLU-like phi also 6/|ln length factor|; THEORY.md §3, §18); this net has {graph.Depth}"));
        }
        if (context.WeightIds.Count > 1)
            result.Add(new Prediction("finite-width-fluctuation", Math.Exp(5 * beta), "E[M²]/E[M]²", [AtInit, GaussianInit, "ReLU-like activation, He init"],
                beta <= 0.25 ? Regime.Inside : Regime.Outside($"(L-1)/n = {beta:G3} > 0.25: the exp(5 beta) fit is not checked there (THEORY.md §16 row 16)"),
                Evidence.Computed, [.. context.WeightIds],
                new Experiment("finite-width-stats", Tolerance.RelativeOf(0.15, "±15% for beta <= 0.25 (THEORY.md §16 row 16)"),
                    "3000 networks, one fixed input: ratio E[M²]/E[M]² of M = mean(h_L²)"),
                $"per-example length fluctuation ≈ exp(5 sum 1/n_l) = {Math.Exp(5 * beta):G3} (Hanin and Rolnick 2018; THEORY.md §4.3)"));
        return result.ToImmutable();
    }

    /// <summary>Probe correlation for the per-layer c^l prediction (two inputs of equal length).</summary>
    public const double ProbeCorrelation = 0.5;

    /// <summary>
    /// Per-layer correlation c^l, the Jacobian spectrum of critical nets (§5), residual gradient gains (§4.1) and the
    /// width-scaling reading with its coord-check slope (§9).
    /// </summary>
    private static IEnumerable<Prediction> ExtendedPredictions(ReportContext context, ImmutableArray<NodeState> states, Dictionary<int, GradientChain> hops)
    {
        var (graph, network, beta) = (context.Graph, context.Network, context.Beta);
        var widthRegime = beta > FiniteWidthLimit
            ? Regime.Outside($"finite width: sum 1/n_l = {beta:G3} > {FiniteWidthLimit} (THEORY.md §4.3)")
            : Regime.Inside;
        ImmutableArray<string> assumptions = [InfiniteWidth, GaussianInit, AtInit, InputSecondMoment(context.InputSecondMoment)];

        // c^l for two inputs of equal length with correlation 0.5 (THEORY.md §3 c-map, through every rule of the graph).
        var pair = KernelPropagation.Run(graph, KernelMatrix.Pair(context.InputSecondMoment, context.InputSecondMoment, ProbeCorrelation), Parameterization.Ntk,
            cancellationToken: context.CancellationToken);
        var correlationCheck = new Experiment("kernel-correlation", new Tolerance(0, 0.03, "|c^l measured - c^l predicted| < 0.03 for l <= 3 xi_c (THEORY.md §3)"),
            "push input pairs with c^0 = 0.5 through a width-1000 net and compare c^l at each weight layer");
        foreach (var id in context.WeightIds)
        {
            if (pair[id].Kernel is not { } kernel || !(kernel.Q(0) > 0))
                continue;
            var c = Math.Clamp(kernel.Sigma(0, 1) / Math.Sqrt(kernel.Q(0) * kernel.Q(1)), -1, 1);
            yield return new Prediction("correlation", c, "correlation c^l of two inputs with c^0 = 0.5", assumptions, widthRegime, Evidence.Derived, [id], correlationCheck,
                $"{graph[id].Name}: c^l = {c:G4} for inputs with c^0 = {ProbeCorrelation} (c-map, THEORY.md §3)");
        }

        // Dynamical isometry: the Jacobian spectrum variance of a critical plain chain (THEORY.md §5, §16 row 15).
        var transitions = hops.Values.Where(h => h.Phi is not null).ToList();
        if (network.Point is { Phase: Phase.Critical } point && network.Phi is { } phi && transitions.Count > 0)
        {
            var orthogonal = context.WeightIds.All(id => graph[id].WeightInit is Model.Init.OrthogonalInit);
            if (MeanField.JacobianSpectrum.Variance(phi, point.QStar, transitions.Count, orthogonal) is { } variance)
                yield return new Prediction("jacobian-spectrum-variance", variance, "Var of the squared singular values of J",
                    assumptions.Add(orthogonal ? "orthogonal weights (s_1 = 0)" : "Gaussian weights (s_1 = -1)"),
                    widthRegime.And(PlainChainRegime(graph)), Evidence.Computed, [.. context.WeightIds],
                    new Experiment("jacobian-spectrum", Tolerance.RelativeOf(0.25, "±25% at L/N <= 0.02 (THEORY.md §16 row 15)"),
                        "multiply W_l diag(phi'(h_l)) over the layers of a width-400 net; variance of the squared singular values over 3–4 seeds"),
                    $"critical net: Var(spectrum of J J^T) = L (mu_2/mu_1^2 - 1 - s_1) = {variance:G4} for L = {transitions.Count} (Pennington et al. 2017; formula [U], checked [C]; THEORY.md §5)");
        }

        // Residual blocks: each multiplies the gradient variance by 1 + alpha^2 chi_branch (THEORY.md §4.1).
        foreach (var node in graph.Nodes.Where(n => n.Op is Add && n.Inputs.Length == 2))
        {
            var alpha = ((Add)node.Op).BranchScale;
            if (BranchChi(graph, states, node.Inputs[1]) is not { } chiBranch)
                continue;
            var gain = 1 + alpha * alpha * chiBranch;
            yield return new Prediction("residual-gradient-gain", gain, "||delta_in||² / ||delta_out||² per block", assumptions, widthRegime, Evidence.Derived, [node.Id],
                new Experiment("gradient-stats", new Tolerance(0, 0.05, "log ||delta||² slope within ±0.05 per block (THEORY.md §4.1)"),
                    "backpropagate a unit loss gradient through the initialised net; ratio of gradient norms across the block"),
                $"{node.Name}: the block multiplies the gradient variance by 1 + alpha² chi_branch = {gain:G4} (alpha = {alpha:G3}; THEORY.md §4.1)");
        }

        // Width scaling: SP vs muP per layer and the implied coord-check slope (THEORY.md §9.1, §16 row 27).
        var scaling = Scaling.WidthScaling.Detect(graph);
        var optimizer = graph.Training.Optimizer;
        if (scaling.Count(l => l.Role == Scaling.LayerRole.Hidden) > 0 && optimizer is not null)
        {
            var form = optimizer.Kind switch
            {
                Model.Training.OptimizerKind.Sgd => Learning.OptimizerForm.GradientDescent,
                Model.Training.OptimizerKind.Other => Learning.OptimizerForm.Unknown,
                _ => Learning.OptimizerForm.Adaptive,
            };
            if (Scaling.WidthScaling.CoordCheckSlope(form, muPRates: false) is { } slope)
            {
                var hidden = scaling.Where(l => l.Role == Scaling.LayerRole.Hidden).Select(l => l.NodeId).ToImmutableArray();
                var reading = Scaling.WidthScaling.ModelParameterization(scaling);
                yield return new Prediction("coord-check-slope", slope, "d ln mean|Δh| / d ln width (hidden pre-activations)",
                    [$"one global learning rate ({optimizer.Name})", $"parameterization read from the inits: {reading}", "a few steps at a large rate"],
                    Regime.Inside, form == Learning.OptimizerForm.Adaptive ? Evidence.Computed : Evidence.Derived, hidden,
                    new Experiment("coord-check", new Tolerance(0, 0.3, "SP: slope > 0.5 (Adam ≈ 1); muP: |slope| < 0.1 (THEORY.md §9 CPU check)"),
                        "widths 64–1024, 3–5 steps; log–log slope of mean |h_t - h_0| of the hidden layers against width"),
                    $"{reading}: hidden-layer updates grow as width^{slope:G2} under one global rate (muP per-layer rates give 0; THEORY.md §9.1, row 27)");
            }
        }
    }

    /// <summary>chi of a residual branch ending in a weight node: sigma_w^2 E[phi'(h)^2] of its last activation, or sigma_w^2 alone.</summary>
    private static double? BranchChi(ModelGraph graph, ImmutableArray<NodeState> states, int branchEnd)
    {
        var node = graph[branchEnd];
        if (!LinearRule.IsWeightOp(node.Op) || node.Inputs.Length != 1)
            return null;
        var sigmaW2 = node.SigmaW2!.Value;
        var before = graph[node.Inputs[0]];
        if (before.Op is Activation activation && Activations.For(activation) is { } phi && before.Inputs.Length == 1
            && states[before.Inputs[0]].Kernel is { } kernel)
            return sigmaW2 * phi.SlopeSecondMoment(kernel.Q(0));
        return before.Op is Activation ? null : sigmaW2;
    }

    private static Regime PlainChainRegime(ModelGraph graph)
    {
        if (graph.Nodes.Any(n => n.Op is BatchNorm))
            return Regime.Outside("BatchNorm couples examples and makes gradients explode with depth; the plain-chain chi_1 does not apply (THEORY.md §4.2)");
        if (graph.Nodes.Any(n => n.Op is Add))
            return Regime.Outside("residual connections: the plain-chain depth scales do not apply; use the residual recursion (THEORY.md §2, §4.1)");
        if (graph.Nodes.Any(n => n.Op is Dropout))
            return Regime.Outside("dropout destroys the order-to-chaos critical point (THEORY.md §2)");
        if (graph.Nodes.Any(n => n.Op is LayerNorm))
            return Regime.Outside("LayerNorm fixes the forward length; chi_1 still matters but the plain q-map does not (THEORY.md §13.2)");
        return Regime.Inside;
    }

    private static long Width(Op op) => op switch
    {
        Linear linear => linear.OutFeatures,
        Conv conv => conv.OutChannels,
        _ => long.MaxValue,
    };

    private static string FormatDepth(double layers) => double.IsPositiveInfinity(layers) ? "∞ (≥ 1000 layers)" : $"{layers:G3}";
}
