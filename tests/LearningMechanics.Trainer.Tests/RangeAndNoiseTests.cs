using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// LR range test and two-batch gradient noise scale on a linear model under MSE, whose Hessian is constant: full-batch GD
/// cannot raise the loss below 2/lambda_max (THEORY.md §16 row 20), so the sweep's stop point lies above it.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class RangeAndNoiseTests
{
    private const int InputDim = 10;

    [Fact]
    public async Task LrRangeTest_LinearModel_StopsAboveTwoOverLambdaAndSuggestsBelow()
    {
        var result = await Trainer.ResultAsync(Graphs.Job(LinearModel(),
            new ExperimentRequest(ExperimentKinds.HessianTop, BatchSize: 64),
            new ExperimentRequest(ExperimentKinds.LrRangeTest, BatchSize: 64, Steps: 100)));
        var stable = 2 / result.Results[0].Scalars["hessian-lambda-max"];
        var sweep = result.Results[1].Scalars;
        // Below 2/lambda no step of GD on a quadratic raises the loss, so the stop (loss > 4x best) comes after it; how far after
        // depends on how converged the top mode is when the rate crosses 2/lambda (each step multiplies the rate by 1.18 and
        // the top-mode residual by |1 - eta lambda|), measured 8.1x here, so only the exact side is asserted, plus a finite stop.
        Assert.True(sweep["divergence-lr"] >= stable, $"stop at {sweep["divergence-lr"]:G3}, below 2/lambda = {stable:G3}");
        Assert.True(sweep["divergence-lr"] < 10, "the sweep never stopped");
        Assert.True(sweep["suggested-lr"] < sweep["divergence-lr"], $"suggested {sweep["suggested-lr"]:G3}, stop {sweep["divergence-lr"]:G3}");
        Assert.Equal(result.Results[1].Series!["lr"].Length, (int)sweep["steps-run"]);
    }

    [Fact]
    public async Task GradientNoiseScale_TwoSmallBatchSizes_AgreeWithinFactorTwo()
    {
        ExperimentRequest Request(int bSmall) => new(ExperimentKinds.GradientNoiseScale, BatchSize: 512,
            Parameters: ImmutableDictionary<string, double>.Empty.Add("b-small", bSmall).Add("repeats", 64).Add("samples", 4096));
        var result = await Trainer.ResultAsync(Graphs.Job(LinearModel(), Request(4), Request(32)));
        var first = result.Results[0].Scalars;
        var second = result.Results[1].Scalars;
        Assert.True(first["g-squared"] > 0 && first["trace-sigma"] > 0, $"|G|^2 {first["g-squared"]:G3}, tr Sigma {first["trace-sigma"]:G3}");
        // The estimator is unbiased in |G|^2 and tr(Sigma) whatever the pair of batch sizes (THEORY.md §11); factor 2 is §11's tolerance.
        Assert.InRange(first["b-simple"] / second["b-simple"], 0.5, 2.0);
        Assert.True(first["g-small-squared"] > first["g-big-squared"], "a smaller batch must have the noisier (larger) squared gradient");
    }

    private static ModelGraph LinearModel()
    {
        var builder = new GraphBuilder("linear", ModelOrigin.Synthetic, TensorShape.Of(InputDim));
        builder.Then(new Linear(InputDim, 1));
        return builder.Build();
    }
}
