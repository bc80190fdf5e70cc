using System.Collections.Immutable;
using LearningMechanics.Theory.MeanField;

namespace LearningMechanics.Theory;

/// <summary>
/// Everything the theory predicts for one model at initialization: per-node signals, the network's mean-field
/// state, and the predictions as data. Numbers are never NaN; depth scales may be +infinity.
/// </summary>
/// <param name="Layers">One entry per graph node, in node order.</param>
/// <param name="MeanField">The mean-field point of the repeated hidden layer, when the hidden layers share one
/// (phi, sigma_w^2, sigma_b^2); null otherwise.</param>
/// <param name="Chi1">chi_1 at q* of the repeated hidden layer; when the layers differ, the geometric mean of the
/// per-layer <see cref="LayerSignal.Chi"/>; null when there is none.</param>
/// <param name="Phase">Ordered / critical (|chi_1 - 1| &lt;= 0.01) / chaotic.</param>
/// <param name="XiC">Correlation depth scale in layers; +infinity at criticality and for ReLU-like phi with sigma_b = 0.</param>
/// <param name="TrainableDepth">6 xi_c (THEORY.md §3), and for ReLU-like phi at most 6/|ln(length factor)| because the
/// length and gradients shrink or grow geometrically there (THEORY.md §18). Null when unknown.</param>
/// <param name="Depth">Number of weight layers (Linear/Conv): L in the depth rules.</param>
/// <param name="LengthFactor">Per-layer factor q^{l+1}/q^l of the repeated hidden layer without its bias, at the length
/// the network enters it with: exactly sigma_w^2/2 for ReLU (1/6 at PyTorch's default init, 1 at He init).</param>
/// <param name="FiniteWidthBeta">beta = sum over hidden weight layers of 1/n_l (THEORY.md §4.3).</param>
/// <param name="StoppedAt">The first node where propagation stopped for lack of theory, or null.</param>
/// <param name="StoppedReason">Why it stopped there.</param>
public sealed record TheoryReport(
    ImmutableArray<LayerSignal> Layers,
    MeanFieldPoint? MeanField,
    double? Chi1,
    Phase? Phase,
    double? XiC,
    double? TrainableDepth,
    int Depth,
    double? LengthFactor,
    double FiniteWidthBeta,
    int? StoppedAt,
    string? StoppedReason,
    ImmutableArray<Prediction> Predictions,
    ImmutableArray<Caveat> Caveats)
{
    /// <summary>The predictions of one kind ("forward-variance", "chi1"...).</summary>
    public IEnumerable<Prediction> Find(string id) => Predictions.Where(p => p.Id == id);

    public LayerSignal Layer(int nodeId) => Layers[nodeId];
}
