using System.Collections.Immutable;
using LearningMechanics.Analysis.Validation;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Analysis.Tests;

/// <summary>The predicted loss curve from the trainer's NTK modes (THEORY.md §7.1) for a model with K = 10 outputs.</summary>
public sealed class LossCurvePlannerTests
{
    private const string TenOutputs = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;
        public static class TenOutputs
        {
            public static void Train()
            {
                var model = Sequential(Linear(4, 8), ReLU(), Linear(8, 10));
                var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                var loss = MSELoss();
            }
        }
        """;

    [Fact]
    public void Read_TenOutputs_MeanOverNTimesKTermsAndOneFactorPerMode()
    {
        var model = Assert.Single(new Analyzer().Analyze("/virtual/TenOutputs.cs", TenOutputs).Models);
        Assert.Equal(10, LossCurvePlanner.OutputUnits(model));
        // n = 2 samples, K = 10: m = 20. Modes lambda = (4, 0), residual power (6, 2) summed over the 10 columns.
        var series = ImmutableDictionary<string, ImmutableArray<double>>.Empty
            .Add("loss", [0.4, 0.3, 0.25])
            .Add("ntk-eigenvalues", [4.0, 0.0])
            .Add("residual-power", [6.0, 2.0]);
        var result = new ResultMessage("job", "cpu", 1, 0,
            [new ExperimentResult(ExperimentKinds.LossCurve, [], ImmutableDictionary<string, double>.Empty.Add("lr", 0.1), "task", series)], 1);
        var curve = LossCurvePlanner.Read(model, result)!;
        Assert.Null(curve.PredictionNote);
        var predicted = curve.Predicted!.Value;
        // L(t) = (1/m) [(1 - 2 eta lambda/m)^{2t} 6 + 2]: L(0) = 8/20, L(1) = (0.96^2 * 6 + 2)/20.
        Assert.Equal(0.4, predicted[0], 12);
        Assert.Equal((0.96 * 0.96 * 6 + 2) / 20, predicted[1], 12);
        Assert.Equal((Math.Pow(0.96, 4) * 6 + 2) / 20, predicted[2], 12);
    }

    [Fact]
    public void Read_Adam_NoPredictionWithTheReason()
    {
        var model = Assert.Single(new Analyzer().Analyze("/virtual/Adam.cs", TenOutputs.Replace("torch.optim.SGD(model.parameters(), 0.1)", "torch.optim.Adam(model.parameters(), 0.001)")).Models);
        var series = ImmutableDictionary<string, ImmutableArray<double>>.Empty.Add("loss", [0.4, 0.3]).Add("ntk-eigenvalues", [1.0]).Add("residual-power", [1.0]);
        var result = new ResultMessage("job", "cpu", 1, 0, [new ExperimentResult(ExperimentKinds.LossCurve, [], ImmutableDictionary<string, double>.Empty, null, series)], 1);
        var curve = LossCurvePlanner.Read(model, result)!;
        Assert.Null(curve.Predicted);
        Assert.Contains("Adam", curve.PredictionNote);
    }
}
