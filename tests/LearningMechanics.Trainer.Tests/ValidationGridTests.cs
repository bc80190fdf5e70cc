using System.Text.Json.Nodes;
using LearningMechanics.Cli.Commands;
using LearningMechanics.Cli.Grid;

namespace LearningMechanics.Trainer.Tests;

/// <summary>
/// <c>lmech validate-grid</c> on tests/fixtures/grids/ci-small.json, through the command's own code (arguments in, JSON out).
/// The thresholds are THEORY.md's claims, not the measured values: forward q within its §2 tolerance plus a 3-sigma
/// finite-width band, so at least 95% (the issue's acceptance level); the GD learning-rate boundary within ±20% of
/// 2/lambda_max(H) at width 512 (§8 CPU check), tested on the median ratio; divergence at 2.5x eta_crit ± 50% (§18
/// median, §8.2 band), tested on the median; trainability correct in at least 95% of the scored configurations (§3 band
/// scoring), with both classes present so that the matrix can be wrong.
/// </summary>
[Trait("Category", "Trainer")]
public sealed class ValidationGridTests
{
    [Fact]
    public void ValidateGrid_CiSmall_MeetsTheoryTolerances()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = ValidateGridCommand.Run([Fixture("grids/ci-small.json"), "--format", "json"], output, error);
        Assert.True(exit == 0, error.ToString());
        var report = JsonNode.Parse(output.ToString())!;
        Assert.Equal(0, (int)report["failed"]!);
        Assert.Equal(12, (int)report["configurations"]!);
        var kinds = report["kinds"]!.AsArray().ToDictionary(k => (string)k!["kind"]!, k => k!);
        double Rate(string kind) => (double)kinds[kind]["rate"]!;
        int Scored(string kind) => (int)kinds[kind]["scored"]!;

        Assert.True(Scored("forward-variance") >= 18, $"forward-variance scored {Scored("forward-variance")}");
        Assert.True(Rate("forward-variance") >= 0.95, $"forward-variance confirmed {Rate("forward-variance"):P1}");

        // The three depth-2 SGD nets are scored. At depth 8 none is: at default init the net is rich over the check window (the
        // lazy-window estimate, THEORY.md §9.2); at He and sigma_w^2 = 3 lambda_max varies by ±30 % (95 %) from one init to the
        // next (InitSpread, Hanin & Nica), wider than the ±20 % of the check. Their LR predictions are out of regime: not
        // searched, and their rates (SGD and momentum) not judged by the curvature at init.
        var eta = report["etaCritRatio"]!;
        Assert.True((int)eta["count"]! >= 3, $"eta-crit ratios: {eta["count"]}");
        Assert.True((int)kinds["rate-stability"]["outOfRegime"]! >= 6, "the depth-8 nets' rates should be out of regime");
        Assert.InRange((double)eta["median"]!, 0.8, 1.2);

        var divergence = report["divergenceRatio"]!;
        Assert.InRange((double)divergence["median"]!, 1.25, 3.75);

        var confusion = report["trainability"]!;
        Assert.True((int)confusion["trainableTrained"]! + (int)confusion["trainableNotTrained"]! >= 1, "no configuration predicted trainable was scored");
        Assert.True((int)confusion["untrainableTrained"]! + (int)confusion["untrainableNotTrained"]! >= 1, "no configuration predicted untrainable was scored");
        Assert.True((double)confusion["accuracy"]! >= 0.95, $"trainability accuracy {(double)confusion["accuracy"]!:P1}");
    }

    /// <summary>THEORY.md §16 row 27 [C]: SP with one global Adam rate, slope +1 (±0.25) for 2-hidden-layer MLPs.</summary>
    [Fact]
    public void ValidateGrid_CoordCheck_AdamSlopeConfirmed()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = ValidateGridCommand.Run([Fixture("grids/coord-check.json"), "--format", "json"], output, error);
        Assert.True(exit == 0, error.ToString());
        var report = JsonNode.Parse(output.ToString())!;
        Assert.Equal(0, (int)report["failed"]!);
        var coord = report["kinds"]!.AsArray().Single(k => (string)k!["kind"]! == "coord-slope")!;
        Assert.Equal(4, (int)coord["scored"]!);
        Assert.True((double)coord["rate"]! >= 0.75, $"coord-slope confirmed {(double)coord["rate"]!:P0}: {output}");
    }

    [Fact]
    public void GridSpec_ParsesRatesInitsAndRejectsUnknownFields()
    {
        var spec = GridSpec.Parse("""
            { "architectures": ["mlp", "cnn"], "depths": [2, 3], "widths": [8], "activations": ["relu", "tanh"],
              "inits": ["default", "normal:1.5"], "optimizers": ["sgd", "adam"], "rates": ["0.5x", 0.01], "adamRates": [0.001] }
            """, "t");
        // sgd: 2 rates; adam: 1 rate.
        Assert.Equal(2 * 2 * 1 * 2 * 2 * (2 + 1), spec.Expand().Length);
        Assert.Equal(GridRate.Multiple(0.5), spec.Rates[0]);
        Assert.Equal(GridRate.Absolute(0.01), spec.Rates[1]);
        Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "widthz": [8] }""", "t"));
        Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "inits": ["normal:x"] }""", "t"));
        Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "rates": ["fast"] }""", "t"));
    }

    [Fact]
    public void GridSpec_ArchitectureWidthsAndImageSize_ShapeTheCnns()
    {
        var spec = GridSpec.Parse("""
            { "architectures": ["mlp", "cnn"], "depths": [2, 4], "widths": [512, 1024], "architectureWidths": { "cnn": [32] },
              "imageSize": 9, "imageChannels": 2, "optimizers": ["sgd"], "rates": ["0.5x"] }
            """, "t");
        var configurations = spec.Expand();
        // mlp: 2 depths x 2 widths; cnn: 2 depths x its one width.
        Assert.Equal(2 * 2 + 2 * 1, configurations.Length);
        Assert.All(configurations.Where(c => c.Architecture == "cnn"), c => Assert.Equal(32, c.Width));
        var cnn = GridModels.Build(configurations.First(c => c.Architecture == "cnn" && c.Depth == 4), spec, null);
        Assert.Equal([2L, 9, 9], cnn.Nodes[0].Op is Model.Ops.Input input ? input.Shape.Dims.Select(d => d ?? -1).ToArray() : []);
        // Three valid 3x3 convolutions take 9x9 to 3x3: the readout sees 32 x 3 x 3 features.
        Assert.Equal(32 * 3 * 3, cnn.Nodes.Select(n => n.Op).OfType<Model.Ops.Linear>().Single().InFeatures);
        Assert.Equal([64], GridSpec.Parse("""{ "widths": [64] }""", "t").WidthsOf("cnn").ToArray());
        Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "architectureWidths": { "rnn": [8] } }""", "t"));
        Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "architectureWidths": { "cnn": [] } }""", "t"));
        var deep = Assert.Throws<FormatException>(() => GridSpec.Parse("""{ "architectures": ["cnn"], "depths": [6], "imageSize": 9 }""", "t"));
        Assert.Contains("imageSize", deep.Message);
    }

    [Theory]
    [InlineData("sgd", 1.0, true)]
    [InlineData("momentum", 0.5, true)]
    [InlineData("momentum", 1.0, false)]
    public void GridScoring_Momentum_TrainabilityAndStabilityScoredOnlyBelowTheDivergenceBand(string optimizer, double multiple, bool scored)
    {
        // Heavy ball: (2+2 beta)/lambda_max(H) is a linear-stability limit predicted within ±20%, so divergence is predicted
        // from 0.8x on; a run that diverges at 1x says nothing about depth (THEORY.md §8.1, the engine's [0.8, 2]x band).
        var spec = GridSpec.Parse("""{ "biasVariance": 0.05 }""", "t");
        var config = new GridConfiguration("mlp", 2, 512, "tanh", "critical", optimizer, GridRate.Multiple(multiple));
        var predictions = GridRunner.Predict(config, spec);
        var eta = predictions.Lr!.EtaCrit!.Value.Value;
        var diverged = new Protocol.ExperimentResult(Protocol.ExperimentKinds.LossCurve, [],
            System.Collections.Immutable.ImmutableDictionary<string, double>.Empty.Add("initial-loss", 2).Add("final-loss", 1e5).Add("target-variance", 1).Add("diverged", 1));
        var result = GridScoring.Score(config, predictions, multiple * eta, new Dictionary<string, Protocol.ExperimentResult> { [Protocol.ExperimentKinds.LossCurve] = diverged });
        Assert.Equal(scored, result.Trainability!.IsScored);
        Assert.Equal(scored, result.RateStability is not null);
    }

    [Fact]
    public void GridModels_NormalInit_HasDeclaredSigmaW2AndDepthCountsWeightLayers()
    {
        var spec = GridSpec.Parse("""{ "inputDim": 16 }""", "t");
        var graph = GridModels.Build(new GridConfiguration("mlp", 4, 32, "tanh", "normal:1.5", "sgd", GridRate.Multiple(0.5)), spec, null);
        var weights = graph.Nodes.Where(n => n.Op.Fans is not null).ToList();
        Assert.Equal(4, weights.Count);
        Assert.All(weights, n => Assert.Equal(1.5, n.SigmaW2!.Value, 6));
        var critical = GridModels.CriticalSigmaW2(GridModels.ActivationOf("tanh")!, 0.05);
        // THEORY.md §16 row 1: tanh at sigma_b^2 = 0.05 is critical at sigma_w^2 = 1.7610.
        Assert.InRange(critical!.Value, 1.759, 1.763);
    }

    [Fact]
    public void ValidateGrid_BadUsage_ExitsTwo()
    {
        var error = new StringWriter();
        Assert.Equal(2, ValidateGridCommand.Run([], TextWriter.Null, error));
        Assert.Equal(2, ValidateGridCommand.Run(["/no/such/spec.json"], TextWriter.Null, error));
        Assert.Equal(2, ValidateGridCommand.Run(["x.json", "--fail-below", "2"], TextWriter.Null, error));
    }

    private static string Fixture(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"tests/fixtures/{relative} not found above {AppContext.BaseDirectory}");
    }
}
