using System.Text.Json;
using LearningMechanics.Analysis;

namespace LearningMechanics.Cli.Output;

/// <summary>Machine-readable report: models with summaries, per-layer rows, predictions and findings.</summary>
public static class JsonWriter
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static void Write(IReadOnlyList<DocumentAnalysis> analyses, string root, TextWriter output)
    {
        var report = analyses.Select(a => new
        {
            file = Path.GetRelativePath(root, a.Path),
            models = a.Models.Select(m => new
            {
                name = m.Graph.Name,
                summary = m.Summary,
                layers = m.Layers,
                predictions = m.Predictions,
                findings = m.Findings,
            }),
            findings = a.Findings,
        });
        output.WriteLine(JsonSerializer.Serialize(report, s_options));
    }
}
