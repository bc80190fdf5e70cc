using System.Collections.Immutable;

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
    int TotalLayers);

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
    ReportWeights? Weights);

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
