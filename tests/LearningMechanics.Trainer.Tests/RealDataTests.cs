using System.Globalization;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Trainer.Protocol;
using LearningMechanics.Trainer.Protocol.Client;
using LearningMechanics.Trainer.Protocol.Data;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// Training experiments on real data files through the trainer process. A linear model under MSE(mean) has the constant
/// Hessian H = (2/n) X~^T X~ with X~ = [X, 1], so the measured top eigenvalue identifies the very samples the trainer used.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class RealDataTests : IDisposable
{
    private const int Samples = 48;
    private const int Features = 3;
    private readonly string _folder = Directory.CreateTempSubdirectory("lmech-realdata-").FullName;
    private readonly double[] _x;
    private readonly double[] _y;

    public RealDataTests()
    {
        var random = new Random(5);
        _x = Enumerable.Range(0, Samples * Features).Select(i => (i % Features + 1) * (random.NextDouble() * 2 - 1) + 0.5).ToArray();
        _y = Enumerable.Range(0, Samples).Select(i => _x[i * Features] - 2 * _x[i * Features + 2] + 0.1 * random.NextDouble()).ToArray();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task HessianTop_CsvAndNpyData_EqualsTwoOverNTimesTopEigenvalueOfTheDataGram()
    {
        var csv = Path.Combine(_folder, "data.csv");
        File.WriteAllLines(csv, ["f0,f1,f2,target", .. Enumerable.Range(0, Samples).Select(i =>
            string.Join(",", Enumerable.Range(0, Features).Select(f => _x[i * Features + f].ToString("R", CultureInfo.InvariantCulture)))
            + "," + _y[i].ToString("R", CultureInfo.InvariantCulture))]);
        var inputs = DataWriters.Npy(Path.Combine(_folder, "x.npy"), "<f8", [Samples, Features], _x);
        var targets = DataWriters.Npy(Path.Combine(_folder, "y.npy"), "<f8", [Samples], _y);
        var expected = 2.0 / Samples * TopEigenvalue(AugmentedGram());

        foreach (var spec in new[] { new DataSpec("csv", csv, TargetColumn: "target", Standardize: false), new DataSpec("npy", inputs, targets, Standardize: false) })
        {
            var job = Graphs.Job(LinearModel(), new ExperimentRequest(ExperimentKinds.HessianTop, BatchSize: Samples)) with { Data = spec };
            var result = (await Trainer.ResultAsync(job)).Results[0];
            Assert.True(Math.Abs(result.Scalars["hessian-lambda-max"] / expected - 1) < 1e-3,
                $"{spec.Format}: measured {result.Scalars["hessian-lambda-max"]:G6}, from the file {expected:G6}");
        }
    }

    [Fact]
    public async Task LossCurve_IdxClassification_TrainsOnTheLabels_AndABadLabelIsAClearError()
    {
        var random = new Random(9);
        var labels = Enumerable.Range(0, 60).Select(i => (double)(i % 3)).ToArray();
        // Each class lights up its own pixel: separable, so cross-entropy must fall well below ln 3.
        var pixels = labels.SelectMany(l => Enumerable.Range(0, 4).Select(p => p == (int)l ? 200.0 + random.Next(50) : random.Next(30))).ToArray();
        var images = DataWriters.Idx(Path.Combine(_folder, "images-idx3-ubyte"), 0x08, [60, 2, 2], pixels);
        var labelFile = DataWriters.Idx(Path.Combine(_folder, "labels-idx1-ubyte"), 0x08, [60], labels);
        var graph = Classifier();
        var request = new ExperimentRequest(ExperimentKinds.LossCurve, BatchSize: 60, Steps: 200,
            Parameters: System.Collections.Immutable.ImmutableDictionary<string, double>.Empty.Add("lr", 0.5));

        var result = (await Trainer.ResultAsync(Graphs.Job(graph, request) with { Data = new DataSpec("idx", images, labelFile) })).Results[0];
        Assert.Contains("class labels, 3 classes", result.Note);
        Assert.InRange(result.Scalars["initial-loss"], 0.3, 3.0);
        Assert.True(result.Scalars["final-loss"] < 0.3 * Math.Log(3), $"final loss {result.Scalars["final-loss"]:G4}");

        DataWriters.Idx(labelFile, 0x08, [60], labels.Select(l => l + 1).ToArray());
        var outcome = await Trainer.RunAsync(Graphs.Job(graph, request) with { Data = new DataSpec("idx", images, labelFile) });
        Assert.True(outcome is TrainerFailed, outcome.Describe());
        Assert.Contains("outside the model's 3 classes", outcome.Describe());
    }

    [Fact]
    public void CacheKey_DependsOnTheData()
    {
        var request = new ExperimentRequest(ExperimentKinds.HessianTop, BatchSize: 8);
        var synthetic = TrainerResultCache.Key(LinearModel(), request, 1, "cpu");
        var a = TrainerResultCache.Key(LinearModel(), request, 1, "cpu", new DataSpec("csv", "/w/a.csv", Fingerprint: "10@1"));
        var changed = TrainerResultCache.Key(LinearModel(), request, 1, "cpu", new DataSpec("csv", "/w/a.csv", Fingerprint: "11@2"));
        Assert.NotEqual(synthetic, a);
        Assert.NotEqual(a, changed);
    }

    private double[,] AugmentedGram()
    {
        var gram = new double[Features + 1, Features + 1];
        for (var sample = 0; sample < Samples; sample++)
        {
            double Row(int f) => f < Features ? _x[sample * Features + f] : 1.0;
            for (var i = 0; i <= Features; i++)
                for (var j = 0; j <= Features; j++)
                    gram[i, j] += Row(i) * Row(j);
        }
        return gram;
    }

    /// <summary>Power iteration on a symmetric positive semi-definite matrix.</summary>
    private static double TopEigenvalue(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var v = Enumerable.Repeat(1.0, n).ToArray();
        var lambda = 0.0;
        for (var iteration = 0; iteration < 5000; iteration++)
        {
            var w = new double[n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    w[i] += matrix[i, j] * v[j];
            lambda = Math.Sqrt(w.Sum(e => e * e));
            v = w.Select(e => e / lambda).ToArray();
        }
        return lambda;
    }

    private static ModelGraph LinearModel()
    {
        var builder = new GraphBuilder("linear", ModelOrigin.Synthetic, TensorShape.Of(Features));
        builder.Then(new Linear(Features, 1));
        return builder.Build();
    }

    private static ModelGraph Classifier()
    {
        var builder = new GraphBuilder("classifier", ModelOrigin.Synthetic, TensorShape.Of(4));
        builder.Then(new Linear(4, 3));
        return builder.Build() with { Training = new TrainingSetup(Loss: new LossSpec(LossKind.CrossEntropy, LossReduction.Mean, null)) };
    }
}
