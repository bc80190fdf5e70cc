namespace LearningMechanics.Frontends.Onnx;

/// <summary>Count, mean, variance, extremes and non-finite values of a stream, in one pass (sums in double).</summary>
internal sealed class MomentSink : IValueSink
{
    private double _sum;
    private double _sumSquares;

    public long Count { get; private set; }

    public long NonFinite { get; private set; }

    public long Zeros { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public double Mean => Count > 0 ? _sum / Count : 0;

    /// <summary>Population variance E[w^2] - E[w]^2 (clamped at 0 against rounding).</summary>
    public double Variance => Count > 0 ? Math.Max(_sumSquares / Count - Mean * Mean, 0) : 0;

    /// <summary>Sum of squares, the squared Frobenius norm when the tensor is a matrix.</summary>
    public double SumSquares => _sumSquares;

    public void Accept(ReadOnlySpan<double> values, long startIndex)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                NonFinite++;
                continue;
            }
            Count++;
            _sum += v;
            _sumSquares += v * v;
            if (v == 0)
                Zeros++;
            if (v < Min)
                Min = v;
            if (v > Max)
                Max = v;
        }
    }
}
