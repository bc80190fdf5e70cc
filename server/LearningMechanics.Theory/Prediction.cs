using System.Collections.Immutable;

namespace LearningMechanics.Theory;

/// <summary>
/// One number the theory predicts for a model, with everything needed to trust or check it.
/// </summary>
/// <param name="Id">Stable kebab-case kind: "forward-variance", "chi1", "gradient-gain", "trainable-depth"...</param>
/// <param name="Value">The predicted value in <paramref name="Unit"/>; may be +infinity (a depth scale at criticality), never NaN.</param>
/// <param name="Unit">What the value measures, e.g. "E[h^2]", "layers", "ratio per layer".</param>
/// <param name="Assumptions">Every assumption the number relies on ("infinite width", "Gaussian i.i.d. init"...).</param>
/// <param name="Regime">Whether those assumptions hold here; when not, which one fails.</param>
/// <param name="Evidence">How the formula is supported (THEORY.md §0.1).</param>
/// <param name="NodeIds">The graph nodes the prediction concerns.</param>
/// <param name="Experiment">The check that would falsify it, with its tolerance.</param>
/// <param name="Summary">One sentence for a hover, with the formula and THEORY.md section.</param>
public sealed record Prediction(
    string Id,
    double Value,
    string Unit,
    ImmutableArray<string> Assumptions,
    Regime Regime,
    Evidence Evidence,
    ImmutableArray<int> NodeIds,
    Experiment Experiment,
    string Summary)
{
    public static class Assumption
    {
        public const string InfiniteWidth = "infinite width (mean field)";
        public const string GaussianInit = "Gaussian i.i.d. init with the declared fan-in normalised variance (only Var(W) matters)";
        public const string AtInit = "at initialization";
        public const string TrainingModeDropout = "dropout in training mode (inverted scaling)";
        public const string PlainChain = "plain feed-forward chain (no residuals, no normalization)";

        public static string InputSecondMoment(double secondMoment) => $"inputs with E[x²] = {secondMoment:G4} per coordinate";
    }
}
