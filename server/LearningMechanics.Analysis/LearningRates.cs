using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Training;
using LearningMechanics.Theory;

namespace LearningMechanics.Analysis;

/// <summary>The declared learning rate of a model against the predicted limits (THEORY.md §8).</summary>
public static class LearningRates
{
    public static LrSummary? Summarize(ModelGraph graph, TheoryReport theory)
    {
        if (graph.Training.Optimizer is not { } optimizer)
            return null;
        var loss = graph.Training.Loss;
        var convention = Convention(optimizer, loss);
        return new LrSummary(optimizer.LearningRate, optimizer.LearningRate.Span ?? optimizer.Span, optimizer.Name, null, null, convention,
            ["infinite width", "full-batch gradient descent", "synthetic Gaussian inputs"],
            "the learning-rate limit needs the NTK spectrum on data, not computed yet for this model");
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
