using LearningMechanics.Frontends.TorchSharp;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Input shapes from learningmechanics.json and from the <c>lmech: input</c> comment: shape inference through conv/pool/flatten checks the Linear after Flatten.</summary>
public sealed class InputShapeSettingsTests : IDisposable
{
    // MNIST: 28 → conv3 26 → conv3 24 → pool2 12; 64·12·12 = 9216.
    private const string Mnist = """
        using TorchSharp;
        using static TorchSharp.torch;
        using static TorchSharp.torch.nn;

        public class MnistCnn : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> layers = Sequential(
                Conv2d(1, 32, 3), ReLU(), Conv2d(32, 64, 3), ReLU(), MaxPool2d(2), Flatten(), Linear(FEATURES, 128), ReLU(), Linear(128, 10));
            public MnistCnn() : base("mnist") => RegisterComponents();
            public override Tensor forward(Tensor x) => layers.forward(x);
        }
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("lmech-settings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ReadResult ReadInWorkspace(string source, string? settings, string subfolder = "src")
    {
        if (settings is not null)
            File.WriteAllText(Path.Combine(_root, WorkspaceSettings.FileName), settings);
        var folder = Directory.CreateDirectory(Path.Combine(_root, subfolder)).FullName;
        var path = Path.Combine(folder, "Mnist.cs");
        File.WriteAllText(path, source);
        return TorchSharpReader.Shared.Read(path, source);
    }

    private static IReadOnlyList<string> ShapeFindings(ReadResult result) =>
        Assert.Single(result.Models).InferShapes().Findings.Select(f => f.Message).ToList();

    [Fact]
    public void SettingsFile_AboveTheDocument_GivesTheInputShape_AndFlattenIsChecked()
    {
        const string settings = """{ "models": { "MnistCnn": { "inputShape": [1, 28, 28] } } }""";
        var right = ReadInWorkspace(Mnist.Replace("FEATURES", "9216"), settings);
        Assert.Equal("[1, 28, 28]", right.Models[0].InferShapes().OutputOf(0).ToString());
        Assert.Empty(ShapeFindings(right));
        var wrong = ReadInWorkspace(Mnist.Replace("FEATURES", "9000"), settings);
        Assert.Contains(ShapeFindings(wrong), m => m.Contains("9000", StringComparison.Ordinal) && m.Contains("9216", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAShape_TheFlattenedSizeIsNotChecked()
    {
        var result = ReadInWorkspace(Mnist.Replace("FEATURES", "9000"), settings: null);
        Assert.Empty(ShapeFindings(result));
    }

    [Fact]
    public void LmechComment_GivesTheInputShape_AndWinsOverTheSettingsFile()
    {
        const string settings = """{ "models": { "MnistCnn": { "inputShape": [1, 30, 30] } } }""";
        var source = Mnist.Replace("FEATURES", "9216").Replace("public class MnistCnn", "// lmech: input [1, 28, 28]\npublic class MnistCnn");
        Assert.Empty(ShapeFindings(ReadInWorkspace(source, settings)));
        Assert.NotEmpty(ShapeFindings(ReadInWorkspace(source.Replace("input [1, 28, 28]", "input [1, 30, 30]"), settings)));
    }

    [Fact]
    public void MalformedSettings_AreReported_NotThrown()
    {
        var result = ReadInWorkspace(Mnist.Replace("FEATURES", "9216"), """{ "models": { "MnistCnn": { "inputShape": [1, -28, "x"] } } }""");
        Assert.Contains(result.Findings, f => f.Code == "settings-invalid" && f.Message.Contains("models.MnistCnn.inputShape", StringComparison.Ordinal));
        var broken = ReadInWorkspace(Mnist.Replace("FEATURES", "9216"), "{ not json");
        Assert.Contains(broken.Findings, f => f.Code == "settings-invalid");
        Assert.Single(broken.Models);
    }

    [Fact]
    public void Parse_NullDimension_IsUnknown() =>
        Assert.Equal("[3, ?, ?]", WorkspaceSettings.Parse("""{ "models": { "enc": { "inputShape": [3, null, null] } } }""").InputShapeOf("enc")!.ToString());
}
