namespace LearningMechanics.Frontends.Onnx;

/// <summary>Outcome of a power-law fit; a failed fit is reported as failed, never as a number (WeightWatcher issue #231).</summary>
public enum PowerLawFitStatus
{
    Success,
    Failed,
    Skipped,

    /// <summary>Not computed yet: the spectra run after the first analysis (<see cref="OnnxReader.ReadSpectra"/>).</summary>
    Pending,
}
