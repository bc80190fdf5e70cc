namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// Keeps a strided sample of a [rows, cols] matrix (rows = dims[0], cols = the product of the rest, PyTorch's flattening of
/// a Conv weight): every <see cref="RowStride"/>-th row and every <see cref="ColumnStride"/>-th column. With both strides 1
/// the matrix is kept whole.
/// </summary>
internal sealed class MatrixSampleSink : IValueSink
{
    public MatrixSampleSink(long rows, long cols, int maxRows, int maxCols)
    {
        Rows = rows;
        Cols = cols;
        RowStride = rows <= maxRows ? 1 : (rows + maxRows - 1) / maxRows;
        ColumnStride = cols <= maxCols ? 1 : (cols + maxCols - 1) / maxCols;
        SampleRows = (int)((rows + RowStride - 1) / RowStride);
        SampleCols = (int)((cols + ColumnStride - 1) / ColumnStride);
        Sample = new float[SampleRows * SampleCols];
    }

    public long Rows { get; }

    public long Cols { get; }

    public long RowStride { get; }

    public long ColumnStride { get; }

    public int SampleRows { get; }

    public int SampleCols { get; }

    /// <summary>Row-major [SampleRows, SampleCols].</summary>
    public float[] Sample { get; }

    public bool IsSampled => RowStride > 1 || ColumnStride > 1;

    public void Accept(ReadOnlySpan<double> values, long startIndex)
    {
        var end = startIndex + values.Length;
        var row = startIndex / Cols;
        for (; row * Cols < end; row++)
        {
            if (row % RowStride != 0)
                continue;
            var sampleRow = (int)(row / RowStride);
            var rowStart = row * Cols;
            // First selected column at or after the chunk start within this row.
            var firstCol = Math.Max(0, startIndex - rowStart);
            firstCol = (firstCol + ColumnStride - 1) / ColumnStride * ColumnStride;
            var lastCol = Math.Min(Cols, end - rowStart);
            for (var col = firstCol; col < lastCol; col += ColumnStride)
                {
                // Non-finite values are counted by the moments and left out (as 0) of the spectrum.
                var value = values[(int)(rowStart + col - startIndex)];
                Sample[sampleRow * SampleCols + (int)(col / ColumnStride)] = double.IsFinite(value) ? (float)value : 0;
            }
        }
    }
}
