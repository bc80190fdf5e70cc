using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Ops;
using static LearningMechanics.Frontends.Tests.TorchSharp.Reading;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>The reader gaps the held-out pass found (tests/fixtures/torchsharp/heldout), each on its own.</summary>
public sealed class HeldOutIdiomTests
{
    private const string Usings = "using TorchSharp;\nusing static TorchSharp.torch;\nusing static TorchSharp.torch.nn;\n";

    [Fact]
    public void IndexFromEnd_ReadsTheLastElement()
    {
        var model = Single(Usings + "static class C { static void M() { var w = new long[] { 8, 16, 32 }; var net = Sequential(Linear(4, w[^1]), Linear(w[^1], w[^3])); } }");
        Assert.Equal("Input[4] Linear(4→32) Linear(32→8)", Architecture(model));
    }

    [Fact]
    public void ModuleDictAdd_KeepsTheKey_ForLookupInForward()
    {
        var model = Single(Usings + """
            public class Heads : Module<Tensor, Tensor>
            {
                private readonly TorchSharp.Modules.ModuleDict<Module<Tensor, Tensor>> heads = new TorchSharp.Modules.ModuleDict<Module<Tensor, Tensor>>();
                public Heads() : base("h") { heads.Add("a", Linear(10, 3)); heads.Add("b", Linear(10, 2)); RegisterComponents(); }
                public override Tensor forward(Tensor x) => torch.cat(new[] { heads["b"].forward(x), heads["a"].forward(x) }, 1);
            }
            """);
        Assert.True(model.ParameterCountIsExact);
        Assert.Equal(33 + 22, model.ParameterCount);
    }

    [Fact]
    public void BaseConstructor_AssignsTheBaseClassField()
    {
        var model = Single(Usings + """
            public abstract class Base : Module<Tensor, Tensor>
            {
                protected readonly Module<Tensor, Tensor> head;
                protected Base(string name, long features) : base(name) { head = Linear(features, 2); }
            }
            public class Derived : Base
            {
                private readonly Module<Tensor, Tensor> body = Linear(8, 16);
                public Derived() : base("d", 16) { RegisterComponents(); }
                public override Tensor forward(Tensor x) => head.forward(body.forward(x));
            }
            """);
        Assert.Equal("Input[8] Linear(8→16) Linear(16→2)", Architecture(model));
    }

    [Fact]
    public void LayerAppliedToAnUntracedTensor_KeepsItsWeights_AsASeparateInput()
    {
        var result = Read(Usings + """
            public class Tagger : Module<Tensor, Tensor>
            {
                private readonly Module<Tensor, Tensor> embed = Embedding(100, 16);
                private readonly Module<Tensor, Tensor> positions = Embedding(32, 16);
                public Tagger() : base("t") { RegisterComponents(); }
                public override Tensor forward(Tensor tokens)
                {
                    var idx = torch.arange(tokens.shape[1], dtype: ScalarType.Int64);
                    return embed.forward(tokens) + positions.forward(idx);
                }
            }
            """);
        var model = Assert.Single(result.Models);
        Assert.Equal(100 * 16 + 32 * 16, model.ParameterCount);
        Assert.Equal(2, model.Nodes.Count(n => n.Op is Input));
        Assert.Contains(result.Findings, f => f.Message.Contains("read as a separate model input", StringComparison.Ordinal));
    }

    private const string NetClass = """
        public class Net : Module<Tensor, Tensor>
        {
            private readonly Module<Tensor, Tensor> fc;
            public Net(int inputs, int classes) : base("net") { fc = Linear(inputs, classes); RegisterComponents(); }
            public static Net Create(int classes) => new Net(20, classes);
            public override Tensor forward(Tensor x) => fc.forward(x);
        }
        """;

    [Fact]
    public void InstantiationSiteInAnotherFile_SuppliesConstructorArguments()
    {
        var workspace = new TorchSharpWorkspace();
        workspace.Add("/ws/Program.cs", Usings + "var model = Net.Create(10);\nvar other = new Net(3, 7);\n");
        var read = workspace.Update("/ws/Net.cs", Usings + NetClass);
        var model = Assert.Single(read.Models);
        Assert.True(model.ParameterCountIsExact);
        Assert.Equal(20 * 10 + 10, model.ParameterCount); // The first site in the program: Net.Create(10).
        Assert.DoesNotContain(read.Findings, f => f.Code == "unresolved-value");
    }

    [Fact]
    public void WithoutAnInstantiationSite_ConstructorArgumentsAreUnknown_ALowerBound()
    {
        var model = Assert.Single(new TorchSharpWorkspace().Update("/ws/Net.cs", Usings + NetClass).Models);
        Assert.False(model.ParameterCountIsExact);
    }
}
