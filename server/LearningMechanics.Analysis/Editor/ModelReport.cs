using System.Collections.Immutable;
using LearningMechanics.Analysis.Validation;

namespace LearningMechanics.Analysis.Editor;

/// <summary>
/// What the report view and the ONNX editor show for one model: summary figures and one row per layer, with the predicted
/// q next to the measured one (from the last validation run, or from ONNX Runtime for an .onnx file).
/// </summary>
public sealed record ModelReport(
    string Name,
    long Parameters,
    bool ParametersExact,
    int Depth,
    string Phase,
    double? Chi1,
    double? TrainableDepth,
    ReportLearningRate? LearningRate,
    ReportValidation? Validation,
    ImmutableArray<ReportLayer> Layers,
    int TotalLayers)
{
    /// <summary>The order/chaos plane of the model's hidden activation with its critical line and the model's point.</summary>
    public ReportPhaseDiagram? PhaseDiagram { get; init; }

    /// <summary>Predicted (linearised dynamics on the measured NTK at init) and measured training loss of the last validation.</summary>
    public ReportLossCurve? LossCurve { get; init; }

    /// <summary>The last "Find learning-rate limit" run.</summary>
    public LrLimitResult? LrLimit { get; init; }

    /// <summary>The last "Run LR range test".</summary>
    public LrRangeResult? LrRange { get; init; }
}

/// <summary>
/// The (sigma_w^2, sigma_b^2) plane for one activation (THEORY.md §3): <see cref="LineSigmaB2"/>[i] and
/// <see cref="LineSigmaW2"/>[i] are points of the critical line chi_1 = 1 (null where it does not exist at that sigma_b^2),
/// ordered to its left, chaotic to its right. The model's hidden layers sit at (<see cref="SigmaW2"/>, <see cref="SigmaB2"/>).
/// </summary>
public sealed record ReportPhaseDiagram(
    string Activation,
    double SigmaW2,
    double SigmaB2,
    double? Chi1,
    string Phase,
    ImmutableArray<double> LineSigmaB2,
    ImmutableArray<double?> LineSigmaW2);

/// <summary>
/// Training loss per step on the trainer's synthetic task: <see cref="Measured"/> from the run, <see cref="Predicted"/> from
/// the linearised (NTK) dynamics L(t) = (1/m) sum_k (1 - 2 eta lambda_k/m)^{2t} (u_k·r_0)^2 (THEORY.md §7.1) on the empirical NTK
/// and residual measured at init; null with <see cref="PredictionNote"/> saying why when the closed form does not apply.
/// </summary>
public sealed record ReportLossCurve(
    double LearningRate,
    string Optimizer,
    ImmutableArray<double> Measured,
    ImmutableArray<double>? Predicted,
    string? PredictionNote,
    string Task);

/// <summary>The declared learning rate and its predicted limits (THEORY.md §8); limits are null when not predicted.</summary>
public sealed record ReportLearningRate(string Optimizer, double? Declared, double? MonotoneLimit, double? DivergenceLimit, string Convention);

/// <summary>The last validation verdict of the model: its headline, device and wall time in seconds.</summary>
public sealed record ReportValidation(string Headline, string Outcome, string Device, double ElapsedSeconds);

/// <summary>
/// One layer. <see cref="Depth"/> is the index of the row in the forward order (0 = first layer after the input).
/// <see cref="MeasuredQ"/> comes from the trainer's forward statistics; <see cref="ProbeQ"/> from ONNX Runtime on N(0, 1)
/// inputs; <see cref="Weights"/> from the stored weights of an .onnx file.
/// </summary>
public sealed record ReportLayer(
    int NodeId,
    int Depth,
    string Name,
    string Op,
    string Description,
    string InputShape,
    string OutputShape,
    long Parameters,
    string? Init,
    double? PredictedQ,
    double? MeasuredQ,
    double? ProbeQ,
    double? Chi,
    ReportWeights? Weights)
{
    /// <summary>Predicted ||delta^l||^2 / ||delta^L||^2 at this weight layer's output (product of chi to the readout, THEORY.md §4.1).</summary>
    public double? PredictedGradient { get; init; }

    /// <summary>The same ratio measured by the trainer (units × mean squared output gradient, over the readout's).</summary>
    public double? MeasuredGradient { get; init; }
}

/// <summary>
/// Weight statistics of one stored weight: mean, variance, σw² = Var(W)·fan_in, spectral norm, stable rank and the
/// WeightWatcher-style power-law exponent alpha with the fit's status ("Fitted", "Failed", "Skipped").
/// </summary>
public sealed record ReportWeights(
    string Initializer,
    string Shape,
    double Mean,
    double Variance,
    double SigmaW2,
    double? SpectralNorm,
    double? StableRank,
    double? Alpha,
    string AlphaStatus,
    string? AlphaNote);

/// <summary>The file-level facts of an .onnx report and how its ONNX Runtime probe went.</summary>
public sealed record OnnxFileReport(
    long FileBytes,
    long IrVersion,
    string Producer,
    string Opsets,
    string GraphName,
    long ParameterCount,
    int NodeCount,
    ImmutableArray<string> UnknownOps,
    int? ProbeBatchSize,
    double? ProbeMilliseconds,
    ImmutableArray<string> ProbeNotes);

/// <summary>The whole report of one document.</summary>
public sealed record DocumentReport(string Path, ImmutableArray<ModelReport> Models, OnnxFileReport? Onnx, ImmutableArray<string> Findings);
