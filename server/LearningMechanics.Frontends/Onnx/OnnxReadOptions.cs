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

    /// <summary>Compute spectra (eigenvalues of W^T W, spectral norm, stable rank, power-law alpha) per weight layer.</summary>
    public bool Spectra { get; init; } = true;

    /// <summary>Rows of a weight matrix kept for its spectrum (every k-th row beyond this; the result is then a submatrix's spectrum).</summary>
    public int SpectrumMaxRows { get; init; } = 512;

    /// <summary>Columns kept for a spectrum (every k-th column beyond this, with the Gram rescaled: a column-sampling estimate).</summary>
    public int SpectrumMaxColumns { get; init; } = 1024;

    /// <summary>Tensors with at most this many elements have their values kept (shape constants, fused-pattern scalars).</summary>
    public int MaxConstantElements { get; init; } = 4096;
}
