using System.Diagnostics;
using System.Text;
using LearningMechanics.Frontends.TorchSharp;
using Xunit.Abstractions;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>Warm read of a large file and re-read after a one-character edit; budgets are loose here, the measured numbers are printed.</summary>
public sealed class TimingTests(ITestOutputHelper output)
{
    public static string LargeFile(int models)
    {
        var text = new StringBuilder("using TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n\n");
        for (var i = 0; i < models; i++)
        {
            text.Append($$"""
                public sealed class Model{{i}} : Module<Tensor, Tensor>
                {
                    private const int Width = {{64 + i}};
                    private readonly Linear fc1 = Linear(784, Width);
                    private readonly Linear fc2 = Linear(Width, Width);
                    private readonly Module<Tensor, Tensor> body;
                    private readonly Linear head;

                    public Model{{i}}(int classes) : base("m{{i}}")
                    {
                        body = Sequential(
                            ("a", Linear(Width, Width)), ("ra", ReLU()),
                            ("b", Linear(Width, Width)), ("rb", ReLU()),
                            ("drop", Dropout(0.1)),
                            ("norm", LayerNorm(Width)));
                        head = Linear(Width, classes);
                        init.kaiming_normal_(fc1.weight, nonlinearity: init.NonlinearityType.ReLU);
                        init.zeros_(fc1.bias);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor x)
                    {
                        x = functional.relu(fc1.forward(x));
                        x = functional.relu(fc2.forward(x));
                        var y = body.forward(x);
                        return head.forward(x + y);
                    }
                }

                public static class Train{{i}}
                {
                    public static void Run()
                    {
                        var model = new Model{{i}}(10);
                        var learningRate = 0.01 * {{i + 1}};
                        var optimizer = optim.SGD(model.parameters(), learningRate, momentum: 0.9);
                        var loss = CrossEntropyLoss();
                    }
                }


                """);
        }
        return text.ToString();
    }

    [Fact]
    public void LargeFile_WarmReadAndIncrementalEdit()
    {
        var text = LargeFile(50);
        var lines = text.Split('\n').Length;
        var reader = TorchSharpReader.Shared;
        var first = reader.Read("large.cs", text);
        Assert.Equal(50, first.Models.Length);
        Assert.All(first.Models, m => Assert.NotNull(m.Training.Optimizer));

        var warm = Stopwatch.StartNew();
        const int repeats = 5;
        for (var i = 0; i < repeats; i++)
            reader.Read("large.cs", text);
        var warmMs = warm.Elapsed.TotalMilliseconds / repeats;

        var workspace = new TorchSharpWorkspace(reader);
        workspace.Update("large.cs", text);
        var position = text.IndexOf("0.01 * 7", StringComparison.Ordinal) + 3;
        var edit = Stopwatch.StartNew();
        var edited = workspace.Edit("large.cs", position, 1, "2");
        var editMs = edit.Elapsed.TotalMilliseconds;
        Assert.Equal(0.02 * 7, edited.Models.Single(m => m.Name == "Model6").Training.Optimizer!.LearningRate.Value, 12);

        output.WriteLine($"{lines} lines, 50 models: warm read {warmMs:F1} ms; re-read after a one-character edit {editMs:F1} ms");
        Assert.True(warmMs < 2000, $"warm read took {warmMs:F0} ms");
    }
}
