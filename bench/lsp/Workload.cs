using System.Text;

namespace LearningMechanics.Bench.Lsp;

/// <summary>Deterministic TorchSharp sources for the benchmarks: the same seed gives the same text.</summary>
public static class Workload
{
    private static readonly string[] s_activations = ["ReLU()", "Tanh()", "GELU()", "SiLU()"];

    /// <summary>A file of <paramref name="models"/> models, padded with comments to exactly <paramref name="lines"/> lines.</summary>
    public static string TorchSharpFile(int models, int lines, int seed)
    {
        var random = new Random(seed);
        var perModel = lines / models;
        var text = new StringBuilder();
        var header = new[] { "using TorchSharp;", "using static TorchSharp.torch;", "using static TorchSharp.torch.nn;", "", "namespace Generated;", "" };
        foreach (var line in header)
            text.Append(line).Append('\n');
        var written = header.Length;
        for (var modelIdx = 0; modelIdx < models; modelIdx++)
        {
            var body = Model(modelIdx, random);
            var budget = modelIdx == models - 1 ? lines - written : perModel;
            for (var pad = body.Count; pad < budget; pad++)
                body.Insert(body.Count - 1, $"    // padding line {pad} of model {modelIdx}: notes a reader would keep next to the code.");
            foreach (var line in body)
                text.Append(line).Append('\n');
            written += body.Count;
        }
        return text.ToString();
    }

    private static List<string> Model(int modelIdx, Random random)
    {
        var depth = random.Next(2, 7);
        var width = 32 << random.Next(0, 4);
        var input = random.Next(2) == 0 ? 784 : 128;
        var activation = s_activations[random.Next(s_activations.Length)];
        var body = new List<string>
        {
            $"public static class Model{modelIdx:D2}",
            "{",
            "    public static void Train()",
            "    {",
            "        var model = Sequential(",
        };
        var fanIn = input;
        for (var layerIdx = 0; layerIdx < depth; layerIdx++)
        {
            body.Add($"            Linear({fanIn}, {width}), {activation},");
            fanIn = width;
        }
        body.Add($"            Linear({fanIn}, 10));");
        var lr = (random.Next(1, 100) / 100.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        body.Add($"        var optimizer = torch.optim.SGD(model.parameters(), {lr});");
        body.Add("    }");
        body.Add("}");
        return body;
    }

    /// <summary>(line, character) of every "Linear(" in the text: hover positions on a layer constructor.</summary>
    public static List<(int Line, int Character)> LinearPositions(string text)
    {
        var positions = new List<(int, int)>();
        var lines = text.Split('\n');
        for (var lineIdx = 0; lineIdx < lines.Length; lineIdx++)
        {
            for (var column = lines[lineIdx].IndexOf("Linear(", StringComparison.Ordinal); column >= 0; column = lines[lineIdx].IndexOf("Linear(", column + 1, StringComparison.Ordinal))
                positions.Add((lineIdx, column + 2));
        }
        return positions;
    }
}
