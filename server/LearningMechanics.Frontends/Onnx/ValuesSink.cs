namespace LearningMechanics.Frontends.Onnx;

/// <summary>Keeps every value of a small tensor (shape constants, scalars of fused patterns).</summary>
internal sealed class ValuesSink(long count) : IValueSink
{
    public double[] Values { get; } = new double[count];

    public void Accept(ReadOnlySpan<double> values, long startIndex) => values.CopyTo(Values.AsSpan((int)startIndex));
}
