using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LearningMechanics.Model.Graph;

namespace LearningMechanics.Trainer.Protocol;

/// <summary>
/// A hash of what a model is, without where it is written: the graph as the trainer protocol serialises it, with every
/// source span removed. Editing a comment, another model, or the whitespace around a model leaves its key unchanged.
/// </summary>
public static class StructuralKey
{
    public static string Of(ModelGraph graph) => Hash(SpanFreeJson(graph));

    /// <summary>The graph as the protocol serialises it, every "span" property removed.</summary>
    public static JsonNode SpanFreeJson(ModelGraph graph)
    {
        var node = JsonNode.Parse(ProtocolJson.Serialize(graph with { Span = null }))!;
        RemoveSpans(node);
        return node;
    }

    public static string Hash(JsonNode node) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())));

    private static void RemoveSpans(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("span");
                foreach (var (_, child) in obj.ToList())
                    RemoveSpans(child);
                break;
            case JsonArray array:
                foreach (var child in array)
                    RemoveSpans(child);
                break;
        }
    }
}
