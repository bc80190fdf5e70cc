using System.Collections.Immutable;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;
using LearningMechanics.Model.Training;
using LearningMechanics.Model.Values;
using LearningMechanics.Trainer.Protocol;

namespace LearningMechanics.Trainer.Tests;

public sealed class ProtocolRoundTripTests
{
    [Fact]
    public void TrainerJob_EveryOpAndInitKind_SurvivesRoundTrip()
    {
        var builder = new GraphBuilder("cnn", ModelOrigin.TorchSharp, TensorShape.Of(3, 8, 8), inputSecondMoment: 0.5);
        var conv = builder.Then(Conv.Uniform(2, 3, 4, 3, padding: 1), span: new SourceSpan("m.cs", 1, 2, 1, 20),
            weightInit: new KaimingInit(false, 0, FanMode.FanOut, "relu"), biasInit: new ConstantInit(0));
        builder.Then(new BatchNorm(2, 4));
        builder.Then(new Activation(ActivationKind.LeakyReLU, 0.1));
        builder.Then(new Pool(PoolKind.Max, 2, [2, 2], [2, 2], [0, 0]));
        var flat = builder.Then(new Flatten());
        builder.Then(new Linear(64, 64), weightInit: new XavierInit(true, 1.5));
        builder.Then(new LayerNorm([64]));
        builder.Then(new Dropout(0.1));
        builder.Add(new Add(0.5), [flat, builder.Last]);
        builder.Then(new Linear(64, 10), weightInit: new OrthogonalInit(2), biasInit: new UniformInit(-0.1, 0.1));
        builder.Then(new UnknownOp("MyBlock", "custom module"));
        var optimizer = new OptimizerSpec(OptimizerKind.Sgd, Fact<double>.Known(0.1, null, "literal"), null, Momentum: 0.9);
        var graph = builder.Build(new TrainingSetup(optimizer, new LossSpec(LossKind.Mse, LossReduction.Mean, null), Fact<long>.Known(32)));
        var job = new TrainerJob("j1", graph,
            [new ExperimentRequest(ExperimentKinds.ForwardStats, 64, Parameters: ImmutableDictionary<string, double>.Empty.Add("train", 1),
                Predictions: [new PredictedValue("q", 0.5, 0.15, NodeId: conv)])],
            Seed: 7);

        var json = ProtocolJson.Serialize(job);
        var back = ProtocolJson.Deserialize<TrainerJob>(json)!;

        Assert.Equal(json, ProtocolJson.Serialize(back));
        Assert.Contains("\"$type\":\"KaimingInit\"", json);
        Assert.Contains("\"$type\":\"Conv\"", json);
        Assert.IsType<Conv>(back.Graph.Nodes[conv].Op);
        Assert.Equal(new KaimingInit(false, 0, FanMode.FanOut, "relu") { Span = null }, back.Graph.Nodes[conv].WeightInit);
        Assert.Equal(graph.ParameterCount, back.Graph.ParameterCount);
        Assert.Equal(0.5, ((Input)back.Graph.Nodes[0].Op).SecondMoment);
        Assert.Equal(0.1, back.Graph.Training.Optimizer!.LearningRate.Value);
        Assert.Equal(new SourceSpan("m.cs", 1, 2, 1, 20), back.Graph.Nodes[conv].Span);
        Assert.Equal(1, back.Experiments[0].Parameter("train", 0));
    }

    [Fact]
    public void TrainerMessage_EachSubtype_RoundTripsThroughBaseType()
    {
        TrainerMessage[] messages =
        [
            new ProgressMessage("j", 0.5, "half"),
            new ErrorMessage("j", "bad"),
            new ResultMessage("j", "cpu", 2, 3,
                [new ExperimentResult("forward-stats", [new LayerMeasurement(1, "fc1", 0.33, 1.5, "Linear", 0.0, 2.0, 0.34, 0.001)],
                    ImmutableDictionary<string, double>.Empty.Add("batch", 256),
                    Series: ImmutableDictionary<string, ImmutableArray<double>>.Empty.Add("loss", [1.0, 0.5]),
                    Verdicts: [Verdict.Judge(new PredictedValue("q", 1.0, 0.1), 1.05)])],
                1.25),
        ];
        foreach (var message in messages)
        {
            var json = ProtocolJson.Serialize(message);
            var back = ProtocolJson.Deserialize<TrainerMessage>(json);
            Assert.Equal(message.GetType(), back!.GetType());
            Assert.Equal(json, ProtocolJson.Serialize(back));
        }
    }

    [Theory]
    [InlineData(1.05, VerdictOutcome.Confirmed)]
    [InlineData(1.2, VerdictOutcome.Refuted)]
    [InlineData(double.NaN, VerdictOutcome.NotMeasured)]
    public void VerdictJudge_RelativeTolerance(double measured, VerdictOutcome expected)
    {
        Assert.Equal(expected, Verdict.Judge(new PredictedValue("q", 1.0, 0.1), measured).Outcome);
    }

    [Fact]
    public void VerdictJudge_OutOfRegime_NotScored()
    {
        var verdict = Verdict.Judge(new PredictedValue("q", 1.0, 0.1, InRegime: false, RegimeNote: "depth/width = 0.5"), 5.0);
        Assert.Equal(VerdictOutcome.OutOfRegime, verdict.Outcome);
        Assert.Contains("depth/width = 0.5", verdict.Reason);
    }
}
