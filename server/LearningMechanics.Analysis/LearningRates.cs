using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Training;
using LearningMechanics.Theory;
using LearningMechanics.Theory.Learning;

namespace LearningMechanics.Analysis;

/// <summary>The declared learning rate of a model against the predicted limits (THEORY.md §8).</summary>
public static class LearningRates
{
    /// <summary>The declared rate against <paramref name="report"/> (from <see cref="LearningRateLimits.For"/>); null without an optimizer.</summary>
    public static LrSummary? Summarize(ModelGraph graph, LrReport? report)
    {
        if (graph.Training.Optimizer is not { } optimizer || report is null)
            return null;
        var loss = graph.Training.Loss;
        var convention = $"{Convention(optimizer, loss)}; {report.Convention}";
        var etaCrit = report.Predictions.FirstOrDefault(p => p.Id == "eta-crit");
        var divergence = report.Predictions.FirstOrDefault(p => p.Id == "eta-divergence");
        return new LrSummary(optimizer.LearningRate, optimizer.LearningRate.Span ?? optimizer.Span, optimizer.Name,
            report.EtaCrit?.Value, report.CatapultUpper, convention, report.Assumptions,
            report.EtaCrit is null ? report.Reason ?? "no limit for this optimizer and loss" : null,
            optimizer.Span,
            etaCrit?.Regime.FailingAssumption,
            divergence?.Regime.FailingAssumption,
            report.Spread?.RelativeSpread,
            report.Drift?.LimitFactor);
    }

    public static string Convention(OptimizerSpec optimizer, LossSpec? loss)
    {
        var lossText = loss is null
            ? "loss not found next to the optimizer (MSE mean assumed)"
            : loss.Kind switch
            {
                LossKind.Mse => $"MSELoss({loss.Reduction.ToString().ToLowerInvariant()}), no 1/2",
                LossKind.CrossEntropy => $"CrossEntropyLoss({loss.Reduction.ToString().ToLowerInvariant()})",
                _ => $"{loss.TypeName ?? loss.Kind.ToString()}({loss.Reduction.ToString().ToLowerInvariant()})",
            };
        var form = optimizer.Kind switch
        {
            OptimizerKind.Sgd when optimizer.Momentum > 0 => $"SGD with heavy-ball momentum β = {optimizer.Momentum:G3}{(optimizer.Nesterov ? " (Nesterov)" : "")}",
            OptimizerKind.Sgd => "plain SGD",
            OptimizerKind.Adam or OptimizerKind.AdamW => $"{optimizer.Name} (β1 = {optimizer.Beta1:G3}): adaptive edge of stability, not a hard limit",
            _ => optimizer.Name,
        };
        return $"{lossText}; {form}";
    }
}
