namespace LearningMechanics.Frontends.Onnx;

/// <summary>Raised inside the reader for a file that is not well-formed ONNX; <see cref="OnnxReader"/> turns it into an <c>onnx-unreadable</c> finding.</summary>
internal sealed class OnnxFormatException(string message) : Exception(message);
