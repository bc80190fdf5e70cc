using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Training;
using LearningMechanics.Trainer.Protocol.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Data;

/// <summary>
/// The data a training experiment runs on. The default is the synthetic task of DESIGN.md: n Gaussian inputs matched to the input shape and targets from a random
/// teacher, y = tanh(x A / sqrt(d)) B / sqrt(64), A and B standard normal, standardised to zero mean and unit variance
/// (regression), or the teacher's argmax over the K logits (classification losses). The loss is the graph's declared
/// loss with PyTorch's reduction (MSE "mean" is (1/(nK)) sum (f - y)^2, no 1/2; THEORY.md §0.2), MSE mean when none is declared.
/// <see cref="FromData"/> uses real samples from the files of a <see cref="DataSpec"/> instead.
/// </summary>
public sealed class TrainingTask
{
    private const int TeacherWidth = 64;

    private TrainingTask(Tensor inputs, Tensor targets, LossKind loss, LossReduction reduction, string description)
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
    public static TrainingTask Create(ModelGraph graph, long nSamples, int seed, Device device)
    {
        var outputShape = graph.InferShapes().OutputOf(graph.Output).Dims.Select(d => d!.Value).ToArray();
        var outputElements = outputShape.Aggregate(1L, (a, d) => a * d);
        var (loss, reduction) = TrainedLoss(graph);
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
        return new TrainingTask(x, targets, loss, reduction, description);
    }

    /// <summary>
    /// <paramref name="nSamples"/> samples of real data, drawn without replacement by a permutation seeded with
    /// <paramref name="seed"/> from the first <see cref="ReadLimit"/> rows (all of them when fewer). Inputs must have the
    /// model's per-sample element count and are reshaped to its input shape; with <see cref="DataSpec.Standardize"/> they
    /// are shifted and scaled to mean 0 and second moment E[x^2] of the Input op (1 by default), the theory's convention.
    /// Targets: class indices for CrossEntropy/NLL (checked against the number of logits); for regression losses, values
    /// with the output's element count, or integer labels one-hot encoded when the output has one unit per class.
    /// </summary>
    public static TrainingTask FromData(ModelGraph graph, DataSpec spec, long nSamples, int seed, Device device)
    {
        var (inputs, targets) = DataFiles.Read(spec, Math.Max(nSamples, ReadLimit));
        var inputOp = (Input)graph.Nodes[0].Op;
        var inputShape = inputOp.Shape.Dims.Select(d => d!.Value).ToArray();
        var perSample = inputShape.Aggregate(1L, (a, d) => a * d);
        if (inputs.PerSample != perSample)
            throw new DataFormatException($"{spec.Describe()}: {inputs.PerSample} input values per sample, but the model's input [{string.Join(", ", inputShape)}] has {perSample}");
        var outputShape = graph.InferShapes().OutputOf(graph.Output).Dims.Select(d => d!.Value).ToArray();
        var outputElements = outputShape.Aggregate(1L, (a, d) => a * d);
        var (loss, reduction) = TrainedLoss(graph);

        var n = Math.Min(nSamples, inputs.Samples);
        var generator = new Random(seed);
        var order = Enumerable.Range(0, (int)inputs.Samples).ToArray();
        generator.Shuffle(order);
        var chosen = order.Take((int)n).ToArray();
        var x = torch.tensor(Gather(inputs, chosen), [n, .. inputShape], ScalarType.Float32);
        var embedding = graph.Nodes.FirstOrDefault(node => node.Inputs is [0])?.Op is Embedding;
        if (spec.Standardize && !embedding)
        {
            using var noGrad = torch.no_grad();
            var centred = x - x.mean();
            var rms = centred.square().mean().sqrt().item<float>();
            x = rms > 0 ? centred * (Math.Sqrt(inputOp.SecondMoment) / rms) : centred;
        }

        var labels = Gather(targets, chosen);
        Tensor y;
        string targetText;
        var classification = loss is LossKind.CrossEntropy or LossKind.Nll;
        if (classification)
        {
            if (outputShape.Length != 1 || targets.PerSample != 1 || !targets.Integral)
                throw new DataFormatException($"{spec.Describe()}: {loss} needs one integer class label per sample and logits of shape [K]");
            var bad = labels.FirstOrDefault(l => l < 0 || l >= outputElements, double.NaN);
            if (!double.IsNaN(bad))
                throw new DataFormatException($"{spec.Describe()}: label {bad} is outside the model's {outputElements} classes");
            y = torch.tensor(labels.Select(l => (long)l).ToArray(), [n], ScalarType.Int64);
            targetText = $"class labels, {outputElements} classes";
        }
        else if (targets.PerSample == outputElements)
        {
            y = torch.tensor(labels, [n, .. outputShape], ScalarType.Float32);
            targetText = "regression targets";
        }
        else if (targets.PerSample == 1 && targets.Integral && outputShape.Length == 1 && labels.All(l => l >= 0 && l < outputElements))
        {
            y = nn.functional.one_hot(torch.tensor(labels.Select(l => (long)l).ToArray(), [n], ScalarType.Int64), outputElements).to_type(ScalarType.Float32);
            targetText = $"integer labels one-hot encoded over {outputElements} outputs";
        }
        else
        {
            throw new DataFormatException($"{spec.Describe()}: {targets.PerSample} target value(s) per sample do not fit the model's output [{string.Join(", ", outputShape)}] with {loss} loss");
        }
        var description = $"{n} samples of {spec.Describe()} (seeded draw from {inputs.Samples} read{(spec.Standardize && !embedding ? ", inputs standardised" : "")}), {targetText}; " +
                          $"loss {loss} ({reduction}{(loss == LossKind.Mse ? ", no 1/2" : "")})";
        return new TrainingTask(x.to(device), y.to(device), loss, reduction, description);
    }

    /// <summary>The loss the trainer trains with: the declared one when it has it (CrossEntropy, NLL, L1), else MSE; mean unless sum.</summary>
    private static (LossKind Kind, LossReduction Reduction) TrainedLoss(ModelGraph graph)
    {
        var declared = graph.Training.Loss;
        return (declared?.Kind is LossKind.CrossEntropy or LossKind.Nll or LossKind.L1 ? declared.Kind : LossKind.Mse,
            declared?.Reduction == LossReduction.Sum ? LossReduction.Sum : LossReduction.Mean);
    }

    /// <summary>Rows read from a data file before the seeded draw, so that files sorted by class still give a mixed sample.</summary>
    public const long ReadLimit = 8192;

    private static double[] Gather(DataArray array, int[] rows)
    {
        var width = (int)array.PerSample;
        var result = new double[rows.Length * width];
        for (var rowIdx = 0; rowIdx < rows.Length; rowIdx++)
            Array.Copy(array.Values, (long)rows[rowIdx] * width, result, (long)rowIdx * width, width);
        return result;
    }
}
