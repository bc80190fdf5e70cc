using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Graph;

namespace LearningMechanics.Trainer.Tests.TorchSharpOracle;

/// <summary>
/// For every model of the TorchSharp fixture corpus the reader's parameter count must equal what TorchSharp itself
/// allocates for the same network. Most cases compile the fixture file and build its model class or factory
/// (<see cref="FromSource"/>); models built as locals inside a void method, or in a file that does not compile on
/// purpose, are hand-translated into TorchSharp calls (<see cref="Translated"/>).
/// </summary>
[Trait("Category", "Oracle")]
public sealed class ReaderParameterCountOracleTests
{
    /// <summary>fixture file (without .cs), the model name the reader reports, how to build it, whether from the file.</summary>
    public sealed record Case(string Fixture, string Model, string Build, bool UsesFixtureSource)
    {
        public override string ToString() => $"{Fixture}:{Model}";
    }

    private static Case FromSource(string fixture, string model, string build) => new(fixture, model, build, true);

    private static Case Translated(string fixture, string model, string build) => new(fixture, model, build, false);

    private static readonly Case[] s_cases =
    [
        Translated("01_nn_qualified_sequential", "model", "nn.Sequential(nn.Linear(100, 64), nn.Sigmoid(), nn.Dropout(0.2), nn.Linear(64, 10))"),
        FromSource("02_fully_qualified_named", "net", "FullyQualified.Build()"),
        FromSource("03_field_initialisers_conv", "MnistNet", "new MnistNet(\"model\")"),
        FromSource("04_ctor_args_instantiation", "Classifier", "new Classifier(20, 64)"),
        FromSource("05_using_static_functional", "Small", "new Small()"),
        FromSource("06_residual_nested_block", "ResMlp", "new ResMlp()"),
        FromSource("07_list_then_sequential", "Stack", "new Stack()"),
        FromSource("08_loop_literal_array", "Funnel", "new Funnel()"),
        FromSource("09_factory_methods", "TinyResNet", "TinyResNet.Small(10)"),
        FromSource("10_multi_input_concat", "TwoTower", "new TwoTower()"),
        FromSource("11_derived_sequential", "SequenceModel", "new SequenceModel()"),
        FromSource("12_conv_tuple_overloads", "Depthwise", "new Depthwise()"),
        FromSource("13_conv1d_speech", "M5", "new M5(\"m5\")"),
        FromSource("14_conv_transpose_decoder", "Decoder", "new Decoder()"),
        FromSource("15_embedding_layernorm", "BagOfWords", "new BagOfWords()"),
        FromSource("16_text_classification", "TextClassificationModel", "new TextClassificationModel(95811, 64, 4)"),
        FromSource("17_recurrent", "SpeechLstm", "new SpeechLstm()"),
        FromSource("17_recurrent", "GruTagger", "new GruTagger()"),
        FromSource("17_recurrent", "Elman", "new Elman()"),
        FromSource("18_transformer_encoder", "TransformerModel", "new TransformerModel(5000, 128, 4, 256, 2, 0.1)"),
        FromSource("19_multihead_attention", "SelfAttention", "new SelfAttention()"),
        FromSource("19_multihead_attention", "CrossAttention", "new CrossAttention()"),
        Translated("20_activation_zoo", "zoo", "Sequential(Linear(4, 4), ReLU(), LeakyReLU(0.2), ELU(alpha: 0.5), GELU(), SiLU(), Linear(4, 4), Tanh(), Sigmoid(), Softplus(), Mish(), SELU(), Hardtanh(), ReLU6(), Identity(), Linear(4, 3), Softmax(1))"),
        FromSource("21_groupnorm_pools", "cnn", "GroupNormNet.Build()"),
        Translated("22_optimizers_schedulers", "regressor", "Sequential(Linear(8, 16), Tanh(), Linear(16, 1))"),
        // NoRegister never registers its layer, so TorchSharp's parameters() of the class is empty (see the test below);
        // the architecture forward runs is this one Linear.
        Translated("23_registration", "NoRegister", "Linear(4, 4)"),
        FromSource("25_optimizer_wrong_model", "Student", "new Student()"),
        FromSource("25_optimizer_wrong_model", "Teacher", "new Teacher()"),
        FromSource("28_init_variants", "Inits", "new Inits()"),
        Translated("29_top_level_statements", "net", "Sequential(Linear(1, 100), Tanh(), Linear(100, 1))"),
        FromSource("30_config_dictionary", "mlp", "ConfigBuilt.Build()"),
        FromSource("31_weight_sharing", "Siamese", "new Siamese()"),
        FromSource("32_more_layers", "Painter", "new Painter()"),
        FromSource("32_more_layers", "Pairwise", "new Pairwise()"),
        Translated("33_param_groups", "seq", "Sequential(Linear(10, 16), ReLU(), Linear(16, 1))"),
        Translated("33_param_groups", "pair", "Sequential(Linear(4, 8), Tanh(), Linear(8, 2))"),
    ];

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in s_cases.Select(c => c.Fixture).Distinct())
            data.Add(fixture);
        return data;
    }

    [Fact]
    public void Oracle_CoversAtLeast25FixtureFiles()
    {
        var files = Directory.GetFiles(FixtureCompiler.FixtureDirectory, "*.cs").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var covered = s_cases.Select(c => c.Fixture).Distinct().ToList();
        Assert.All(covered, f => Assert.Contains(f, files));
        Assert.True(covered.Count >= 25, $"only {covered.Count} fixture files have an oracle");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReaderParameterCount_EqualsTorchSharpNumel(string fixture)
    {
        var source = File.ReadAllText(Path.Combine(FixtureCompiler.FixtureDirectory, fixture + ".cs"));
        var read = TorchSharpReader.Shared.Read(fixture + ".cs", source);
        foreach (var group in s_cases.Where(c => c.Fixture == fixture).GroupBy(c => c.UsesFixtureSource))
        {
            var cases = group.ToList();
            var modules = FixtureCompiler.Build(group.Key ? source : null, cases.Select(c => c.Build).ToList());
            for (var i = 0; i < cases.Count; i++)
            {
                var model = ModelNamed(read, cases[i].Model);
                Assert.False(model.HasUnknownOps, $"{cases[i]}: the reader left unknown ops");
                Assert.True(FixtureCompiler.Numel(modules[i]) == model.ParameterCount,
                    $"{cases[i]}: reader {model.ParameterCount}, TorchSharp {FixtureCompiler.Numel(modules[i])}");
            }
        }
    }

    [Fact]
    public void CrossFileBlock_WorkspaceReadingEqualsTorchSharpNumel()
    {
        var blocks = Path.Combine(FixtureCompiler.FixtureDirectory, "cross_file", "Blocks.cs");
        var modelFile = Path.Combine(FixtureCompiler.FixtureDirectory, "cross_file", "Model.cs");
        var workspace = new TorchSharpWorkspace();
        workspace.Update(blocks, File.ReadAllText(blocks));
        var model = ModelNamed(workspace.Update(modelFile, File.ReadAllText(modelFile)), "ResidualNet");
        var built = FixtureCompiler.Build([File.ReadAllText(blocks), File.ReadAllText(modelFile)], ["new ResidualNet()"])[0];
        Assert.False(model.HasUnknownOps);
        Assert.Equal(FixtureCompiler.Numel(built), model.ParameterCount);
    }

    [Fact]
    public void UnusedModule_ReaderCountsWhatForwardRuns_TorchSharpAlsoCountsTheUnusedLayer()
    {
        const string fixture = "24_unused_module";
        var source = File.ReadAllText(Path.Combine(FixtureCompiler.FixtureDirectory, fixture + ".cs"));
        var model = ModelNamed(TorchSharpReader.Shared.Read(fixture + ".cs", source), "WithUnused");
        var built = FixtureCompiler.Build(source, ["new WithUnused()"])[0];
        var unused = built.named_children().Single(c => c.name == "fc2").module;
        Assert.Equal(FixtureCompiler.Numel(built) - FixtureCompiler.Numel(unused), model.ParameterCount);
    }

    [Fact]
    public void RegistrationMistakes_TorchSharpConfirmsWhatTheReaderWarnsAbout()
    {
        const string fixture = "23_registration";
        var source = File.ReadAllText(Path.Combine(FixtureCompiler.FixtureDirectory, fixture + ".cs"));
        var read = TorchSharpReader.Shared.Read(fixture + ".cs", source);
        var built = FixtureCompiler.Build(source, ["new NoRegister()", "new LateField()", "Linear(4, 4)"]);
        // No RegisterComponents(): TorchSharp trains nothing. A field assigned after it: only the first layer is registered.
        Assert.Equal(0, FixtureCompiler.Numel(built[0]));
        Assert.Equal(FixtureCompiler.Numel(built[2]), FixtureCompiler.Numel(built[1]));
        Assert.Contains(read.Findings, f => f.Code == "missing-register-components");
        Assert.Contains(read.Findings, f => f.Code == "field-assigned-after-register");
        Assert.True(ModelNamed(read, "LateField").ParameterCount > FixtureCompiler.Numel(built[1]));
    }

    private static ModelGraph ModelNamed(ReadResult read, string name) =>
        read.Models.SingleOrDefault(m => m.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"the reader found no model '{name}' (found: {string.Join(", ", read.Models.Select(m => m.Name))})");
}
