using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Data;

/// <summary>
/// The default training task of DESIGN.md: n Gaussian inputs matched to the input shape and targets from a random
/// teacher, y = tanh(x A / sqrt(d)) B / sqrt(64), A and B standard normal, standardised to zero mean and unit variance
/// (regression), or the teacher's argmax over the K logits (classification losses). The loss is the graph's declared
/// loss with PyTorch's reduction (MSE "mean" is (1/(nK)) sum (f - y)^2, no 1/2; THEORY.md §0.2), MSE mean when none is declared.
/// </summary>
public sealed class SyntheticTask
{
    private const int TeacherWidth = 64;

    private SyntheticTask(Tensor inputs, Tensor targets, LossKind loss, LossReduction reduction, string description)
    {
        Inputs = inputs;
        Targets = targets;
        Loss = loss;
        Reduction = reduction;
        Description = description;
    }

    public Tensor Inputs { get; }

    /// <summary>Regression targets shaped like the output, or int64 class labels [n].</summary>
    public Tensor Targets { get; }

    public LossKind Loss { get; }

    public LossReduction Reduction { get; }

    public string Description { get; }

    public long Samples => Inputs.shape[0];

    /// <summary>The loss of the predictions on the whole task (or a slice of it when <paramref name="targets"/> is given).</summary>
    public Tensor LossOf(Tensor predictions, Tensor? targets = null)
    {
        var y = targets ?? Targets;
        var reduction = Reduction == LossReduction.Sum ? nn.Reduction.Sum : nn.Reduction.Mean;
        return Loss switch
        {
            LossKind.CrossEntropy => nn.functional.cross_entropy(predictions, y, reduction: reduction),
            LossKind.Nll => nn.functional.nll_loss(predictions, y, reduction: reduction),
            LossKind.L1 => nn.functional.l1_loss(predictions, y, reduction),
            _ => nn.functional.mse_loss(predictions, y, reduction),
        };
    }

    /// <summary>Builds the task; the output shape must be fully known (NetworkBuilder.Check guarantees it).</summary>
    public static SyntheticTask Create(ModelGraph graph, long nSamples, int seed, Device device)
    {
        var outputShape = graph.InferShapes().OutputOf(graph.Output).Dims.Select(d => d!.Value).ToArray();
        var outputElements = outputShape.Aggregate(1L, (a, d) => a * d);
        var declared = graph.Training.Loss;
        var loss = declared?.Kind is LossKind.CrossEntropy or LossKind.Nll or LossKind.L1 ? declared.Kind : LossKind.Mse;
        var reduction = declared?.Reduction == LossReduction.Sum ? LossReduction.Sum : LossReduction.Mean;
        var classification = loss is LossKind.CrossEntropy or LossKind.Nll && outputShape.Length == 1;
        if (loss is LossKind.CrossEntropy or LossKind.Nll && !classification)
            loss = LossKind.Mse;

        var x = SyntheticData.Inputs(graph, nSamples, seed, stream: 101, device);
        var xFlat = x.reshape(nSamples, -1).to_type(ScalarType.Float32);
        var inputDim = xFlat.shape[1];
        var a = SyntheticData.Gaussian([inputDim, TeacherWidth], seed, stream: 102, device);
        var b = SyntheticData.Gaussian([TeacherWidth, outputElements], seed, stream: 103, device);
        using var noGrad = torch.no_grad();
        var teacher = torch.tanh(xFlat.matmul(a) / Math.Sqrt(inputDim)).matmul(b) / Math.Sqrt(TeacherWidth);
        Tensor targets;
        string description;
        if (classification)
        {
            targets = teacher.argmax(1);
            description = $"{nSamples} Gaussian inputs, labels = argmax of a random tanh teacher over {outputElements} classes; loss {loss} ({reduction})";
        }
        else
        {
            targets = ((teacher - teacher.mean()) / teacher.std()).reshape([nSamples, .. outputShape]);
            description = $"{nSamples} Gaussian inputs, targets from a random tanh teacher (width {TeacherWidth}), standardised to unit variance; " +
                          $"loss {loss} ({reduction}{(loss == LossKind.Mse ? ", no 1/2" : "")})";
        }
        return new SyntheticTask(x, targets, loss, reduction, description);
    }
}
