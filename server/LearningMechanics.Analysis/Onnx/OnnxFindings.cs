using System.Collections.Immutable;
using LearningMechanics.Frontends.Onnx;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis.Onnx;

/// <summary>
/// Findings on trained weights, from the per-layer power-law fits of the report. Codes: weights-heavy-tailed
/// (alpha &lt; 2), weights-undertrained (alpha &gt; 6). The ranges are WeightWatcher's (Martin and Mahoney 2021, JMLR
/// 22(165); weightwatcher README "alpha between 2 and 6 ... well trained"): below 2 the layer is very heavy tailed and may
/// be over-trained, above 6 it is close to random (under-trained). Failed fits are reported as failed (weights-fit-failed), never
/// as an alpha (ANCHORS.md A.3).
/// </summary>
public static class OnnxFindings
{
    public const double HeavyTailedBelow = 2;
    public const double UndertrainedAbove = 6;

    public static ImmutableArray<Finding> Spectra(OnnxModelReport report, SourceSpan span, string modelName)
    {
        var result = ImmutableArray.CreateBuilder<Finding>();
        var fitted = report.Layers.Where(l => l.Fit is { Status: PowerLawFitStatus.Success, Alpha: not null }).ToList();
        var heavy = fitted.Where(l => l.Fit.Alpha < HeavyTailedBelow).ToList();
        var random = fitted.Where(l => l.Fit.Alpha > UndertrainedAbove).ToList();
        if (heavy.Count > 0)
        {
            result.Add(new Finding("weights-heavy-tailed", Severity.Warning,
                $"{Layers(heavy)}: power-law alpha < {HeavyTailedBelow} in the eigenvalues of WᵀW, a very heavy tail that WeightWatcher reads as over-trained " +
                "(or over-regularised) layers (Martin and Mahoney 2021).", span, modelName));
        }
        if (random.Count > 0)
        {
            result.Add(new Finding("weights-undertrained", Severity.Information,
                $"{Layers(random)}: power-law alpha > {UndertrainedAbove} in the eigenvalues of WᵀW, close to a random matrix; WeightWatcher reads this as " +
                "under-trained (more data or training may help; freshly initialised weights look like this) (Martin and Mahoney 2021).", span, modelName));
        }
        var failed = report.Layers.Where(l => l.Fit.Status == PowerLawFitStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            result.Add(new Finding("weights-fit-failed", Severity.Information,
                $"{(failed.Count == 1 ? "Layer" : $"{failed.Count} layers")} {string.Join(", ", failed.Take(6).Select(l => $"{l.NodeName} ({l.Fit.Reason})"))}{(failed.Count > 6 ? ", …" : "")}: " +
                "the power-law fit of the eigenvalue spectrum failed; no alpha is reported for them.", span, modelName));
        }
        return result.ToImmutable();
    }

    private static string Layers(List<OnnxWeightLayer> layers) =>
        (layers.Count == 1 ? "Layer " : $"{layers.Count} layers ") +
        string.Join(", ", layers.Take(6).Select(l => $"{l.NodeName} (α = {l.Fit.Alpha:F2})")) + (layers.Count > 6 ? ", …" : "");
}
