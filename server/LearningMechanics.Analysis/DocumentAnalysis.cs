using System.Collections.Immutable;
using LearningMechanics.Model.Values;

namespace LearningMechanics.Analysis;

/// <summary>Everything known about one document: its models and all findings (reader, shapes, theory), in editor terms.</summary>
public sealed record DocumentAnalysis(string Path, string ContentHash, ImmutableArray<ModelAnalysis> Models, ImmutableArray<Finding> Findings)
{
    public ModelAnalysis? Model(string name) => Models.FirstOrDefault(m => m.Graph.Name == name);
}
