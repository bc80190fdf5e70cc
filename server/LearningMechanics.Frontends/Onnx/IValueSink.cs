namespace LearningMechanics.Frontends.Onnx;

/// <summary>Receives a tensor's values in row-major order, one chunk at a time; <paramref name="startIndex"/> is the flat index of the chunk's first value.</summary>
internal interface IValueSink
{
    void Accept(ReadOnlySpan<double> values, long startIndex);
}
