namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Limits and effort of <see cref="OnnxReader.Read"/>. The limits bound time and memory on hostile files; the spectrum
/// sizes bound the cost of the per-layer eigenvalue analysis (larger matrices are sampled, and the report says so).
/// </summary>
public sealed record OnnxReadOptions
{
    public static OnnxReadOptions Default { get; } = new();

    /// <summary>Files larger than this are refused (bytes; external data files are not counted).</summary>
    public long MaxFileBytes { get; init; } = 16L << 30;

    /// <summary>A tensor declaring more elements than this is refused before any of it is read.</summary>
    public long MaxTensorElements { get; init; } = 1L << 33;

    /// <summary>Graphs with more nodes than this are refused.</summary>
    public int MaxNodes { get; init; } = 1_000_000;

    /// <summary>
    /// Compute spectra (eigenvalues of W^T W, power-law alpha) per weight layer during the read. When off, the read is the
    /// fast first phase: the spectral norm comes from <see cref="SpectralNormSteps"/> power-iteration steps and the fits
    /// are <see cref="PowerLawFitStatus.Pending"/> until <see cref="OnnxReader.ReadSpectra"/> runs.
    /// </summary>
    public bool Spectra { get; init; } = true;

    /// <summary>
    /// Power-iteration steps for a first-phase spectral norm when <see cref="Spectra"/> is off; 0 (the default) leaves the
    /// norm to the second phase: 6 steps made the first phase of a ResNet-18 about 3x slower (bench/RESULTS.md).
    /// </summary>
    public int SpectralNormSteps { get; init; }

    /// <summary>Weight matrices with more elements than this get no first-phase spectral norm (the matrix is held in memory for it).</summary>
    public long SpectralNormMaxElements { get; init; } = 1L << 22;

    /// <summary>Rows of a weight matrix kept for its spectrum (every k-th row beyond this; the result is then a submatrix's spectrum).</summary>
    public int SpectrumMaxRows { get; init; } = 512;

    /// <summary>Columns kept for a spectrum (every k-th column beyond this, with the Gram rescaled: a column-sampling estimate).</summary>
    public int SpectrumMaxColumns { get; init; } = 1024;

    /// <summary>Tensors with at most this many elements have their values kept (shape constants, fused-pattern scalars).</summary>
    public int MaxConstantElements { get; init; } = 4096;
}
