using LearningMechanics.Frontends.TorchSharp;
using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;

namespace LearningMechanics.Frontends.Tests.TorchSharp;

/// <summary>The one place the tests call the reader, plus compact renderings of its output.</summary>
internal static class Reading
{
    public static ReadResult Read(string text, string path = "test.cs") => TorchSharpReader.Shared.Read(path, text);

    public static ReadResult ReadFile(string path) => TorchSharpReader.Shared.Read(path, File.ReadAllText(path));

    public static ModelGraph Single(string text)
    {
        var result = Read(text);
        return Assert.Single(result.Models);
    }

    public static ModelGraph ModelNamed(ReadResult result, string name) =>
        result.Models.SingleOrDefault(m => m.Name == name) ?? throw new Xunit.Sdk.XunitException(
            $"no model '{name}'; models: {string.Join(", ", result.Models.Select(m => m.Name))}; findings: {string.Join(" | ", result.Findings.Select(f => f.Code + ": " + f.Message))}");

    /// <summary>"Input[784] Linear(784→128) ReLU ..." for readable assertions.</summary>
    public static string Architecture(ModelGraph graph) => string.Join(" ", graph.Nodes.Select(n => Render(n.Op)));

    public static string Render(Op op) => op switch
    {
        Input input => "Input" + input.Shape,
        Linear l => $"Linear({l.InFeatures}→{l.OutFeatures}{(l.HasBias ? "" : ",nobias")})",
        Conv c => $"{c.Kind}({c.InChannels}→{c.OutChannels},k{string.Join("x", c.KernelSize)}" + (c.Stride.Any(s => s != 1) ? $",s{string.Join("x", c.Stride)}" : "") + (c.Padding.Any(p => p != 0) ? $",p{string.Join("x", c.Padding)}" : "") + (c.Groups != 1 ? $",g{c.Groups}" : "") + (c.HasBias ? "" : ",nobias") + ")",
        Activation a => a.Describe(),
        Dropout d => $"Dropout({d.P})",
        LayerNorm n => $"LayerNorm[{string.Join(",", n.NormalizedShape)}]",
        BatchNorm b => $"{b.Kind}({b.NumFeatures})",
        Pool p => p.IsAdaptive ? $"{p.Kind}({string.Join("x", p.OutputSize)})" : $"{p.Kind}(k{string.Join("x", p.KernelSize)},s{string.Join("x", p.Stride)})",
        Flatten f => f.Describe(),
        Add a => a.BranchScale == 1 ? "Add" : $"Add({a.BranchScale})",
        Concat c => $"Concat({c.Dim})",
        Embedding e => $"Embedding({e.NumEmbeddings}x{e.EmbeddingDim})",
        UnknownOp u => $"Unknown({u.TypeName})",
        Reshape r => $"Reshape[{string.Join(",", r.Target)}]",
        _ => op.Describe(),
    };
}
