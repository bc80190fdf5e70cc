using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// Training experiments, checked where the answer is exact: a linear model under MSE has a constant Hessian, so full-batch
/// GD is monotone exactly below 2/lambda_max (THEORY.md §8.1, §16 row 20), and its NTK is x.x' + 1.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class TrainingExperimentTests
{
    private const int InputDim = 10;

    [Fact]
    public async Task HessianAndLrThreshold_LinearModel_MonotoneBoundaryIsTwoOverLambda()
    {
        var graph = LinearModel();
        var result = await Trainer.ResultAsync(Graphs.Job(graph,
            new ExperimentRequest(ExperimentKinds.HessianTop, BatchSize: 64),
            new ExperimentRequest(ExperimentKinds.LrThreshold, BatchSize: 64, Steps: 100, Parameters: Params(("iterations", 8)))));
        var hessian = result.Results[0].Scalars;
        var threshold = result.Results[1].Scalars;
        Assert.Equal(1, hessian["converged"]);
        var stableLr = 2 / hessian["hessian-lambda-max"];
        Assert.True(Math.Abs(threshold["lr-monotone"] / stableLr - 1) < 0.03, $"lr-monotone {threshold["lr-monotone"]:G4}, 2/lambda {stableLr:G4}");
        // Just above 2/lambda the top mode grows by |1 - eta lambda| per step, slowly: divergence is detected a little higher.
        Assert.InRange(threshold["lr-threshold"] / stableLr, 0.97, 1.3);
    }

    [Fact]
    public async Task LrThreshold_MonotoneSearch_ReusesTheDivergenceSearchRuns()
    {
        var graph = LinearModel();
        var hessian = (await Trainer.ResultAsync(Graphs.Job(graph, new ExperimentRequest(ExperimentKinds.HessianTop, BatchSize: 64)))).Results[0].Scalars;
        var stableLr = 2 / hessian["hessian-lambda-max"];
        const int iterations = 4;
        var result = await Trainer.ResultAsync(Graphs.Job(graph,
            new ExperimentRequest(ExperimentKinds.LrThreshold, BatchSize: 64, Steps: 100, Parameters: Params(("iterations", iterations), ("lr-guess", 0.5 * stableLr)))));
        var scalars = result.Results[0].Scalars;
        // From 0.5x the limit, one x4 step brackets both thresholds (2x diverges: |1 - eta lambda| = 3 per step), then each
        // search bisects: 2 + 2 x iterations runs. Searching the monotone limit from scratch re-ran the start and the bracket.
        Assert.True(scalars["probe-runs"] <= 2 + 2 * iterations, $"probe runs {scalars["probe-runs"]}");
        Assert.True(Math.Abs(scalars["lr-monotone"] / stableLr - 1) < 0.1, $"lr-monotone {scalars["lr-monotone"]:G4}, 2/lambda {stableLr:G4}");
    }

    [Fact]
    public async Task Ntk_LinearModel_IsGramPlusOne()
    {
        var result = await Trainer.ResultAsync(Graphs.Job(LinearModel(), new ExperimentRequest(ExperimentKinds.NtkLambdaMax, BatchSize: 64)));
        var scalars = result.Results[0].Scalars;
        // f = w.x + b: J_i = (x_i, 1), Theta_ij = x_i.x_j + 1; E[|x|^2] = InputDim for N(0, 1) inputs.
        Assert.InRange(scalars["ntk-mean-diagonal"], 0.8 * (InputDim + 1), 1.2 * (InputDim + 1));
        Assert.InRange(scalars["ntk-mean-offdiagonal"], 0.5, 1.5);
        Assert.True(scalars["ntk-lambda-max"] >= scalars["ntk-mean-diagonal"]);
    }

    [Fact]
    public async Task LossCurve_SmallLr_DecreasesAndIsLogged()
    {
        var graph = Graphs.ReluMlp(3, 32) with { };
        var request = new ExperimentRequest(ExperimentKinds.LossCurve, BatchSize: 128, Steps: 50, Parameters: Params(("lr", 0.05)));
        var result = (await Trainer.ResultAsync(Graphs.Job(graph, request))).Results[0];
        var loss = result.Series!["loss"];
        Assert.Equal(51, loss.Length);
        Assert.True(loss[^1] < loss[0], $"loss {loss[0]:G4} -> {loss[^1]:G4}");
        Assert.Equal(0, result.Scalars["diverged"]);
    }

    [Fact]
    public async Task LossCurve_HugeLr_Diverges()
    {
        var request = new ExperimentRequest(ExperimentKinds.LossCurve, BatchSize: 64, Steps: 50, Parameters: Params(("lr", 100)));
        var result = (await Trainer.ResultAsync(Graphs.Job(LinearModel(), request))).Results[0];
        Assert.Equal(1, result.Scalars["diverged"]);
    }

    private static ModelGraph LinearModel()
    {
        var builder = new GraphBuilder("linear", ModelOrigin.Synthetic, TensorShape.Of(InputDim));
        builder.Then(new Linear(InputDim, 1));
        return builder.Build();
    }

    private static ImmutableDictionary<string, double> Params(params (string Name, double Value)[] values) =>
        values.ToImmutableDictionary(v => v.Name, v => v.Value);
}
