namespace LearningMechanics.Frontends.Onnx;

/// <summary>Count, mean, variance, extremes and non-finite values of a stream, in one pass (sums in double).</summary>
internal sealed class MomentSink : IValueSink
{
    private double _sum;
    private double _sumSquares;

    public long Count { get; private set; }

    public long NonFinite { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public double Mean => Count > 0 ? _sum / Count : 0;

    /// <summary>Population variance E[w^2] - E[w]^2 (clamped at 0 against rounding).</summary>
    public double Variance => Count > 0 ? Math.Max(_sumSquares / Count - Mean * Mean, 0) : 0;

    /// <summary>Sum of squares, the squared Frobenius norm when the tensor is a matrix.</summary>
    public double SumSquares => _sumSquares;

    public void Accept(ReadOnlySpan<double> values, long startIndex)
    {
        // Fast path: vectorised sums and extremes; a chunk holding NaN or infinity is redone value by value.
        var width = System.Numerics.Vector<double>.Count;
        var sum = System.Numerics.Vector<double>.Zero;
        var squares = System.Numerics.Vector<double>.Zero;
        var min = new System.Numerics.Vector<double>(double.PositiveInfinity);
        var max = new System.Numerics.Vector<double>(double.NegativeInfinity);
        var i = 0;
        for (; i <= values.Length - width; i += width)
        {
            var v = new System.Numerics.Vector<double>(values[i..]);
            sum += v;
            squares += v * v;
            min = System.Numerics.Vector.Min(min, v);
            max = System.Numerics.Vector.Max(max, v);
        }
        double chunkSum = System.Numerics.Vector.Sum(sum), chunkSquares = System.Numerics.Vector.Sum(squares);
        double chunkMin = double.PositiveInfinity, chunkMax = double.NegativeInfinity;
        for (var lane = 0; lane < width; lane++)
        {
            chunkMin = Math.Min(chunkMin, min[lane]);
            chunkMax = Math.Max(chunkMax, max[lane]);
        }
        for (; i < values.Length; i++)
        {
            var v = values[i];
            chunkSum += v;
            chunkSquares += v * v;
            chunkMin = Math.Min(chunkMin, v);
            chunkMax = Math.Max(chunkMax, v);
        }
        if (!double.IsFinite(chunkSum) || !double.IsFinite(chunkSquares))
        {
            AcceptOneByOne(values);
            return;
        }
        Count += values.Length;
        _sum += chunkSum;
        _sumSquares += chunkSquares;
        Min = Math.Min(Min, chunkMin);
        Max = Math.Max(Max, chunkMax);
    }

    private void AcceptOneByOne(ReadOnlySpan<double> values)
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
            if (v < Min)
                Min = v;
            if (v > Max)
                Max = v;
        }
    }
}
