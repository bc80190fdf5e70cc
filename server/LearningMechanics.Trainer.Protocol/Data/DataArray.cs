namespace LearningMechanics.Trainer.Protocol.Data;

/// <summary>A dense array read from a data file: row-major values as double and the shape, first axis the samples.</summary>
public sealed record DataArray(double[] Values, long[] Shape, bool Integral)
{
    public long Samples => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Elements per sample (the product of the shape after the first axis).</summary>
    public long PerSample => Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
}

/// <summary>A data file that cannot be used, with a message for the user.</summary>
public sealed class DataFormatException(string message) : Exception(message);
