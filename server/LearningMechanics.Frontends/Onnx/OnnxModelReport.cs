using System.Collections.Immutable;

namespace LearningMechanics.Frontends.Onnx;

/// <summary>
/// What the file holds, in its own terms: header, opsets, every initializer with its statistics, every node with the
/// model-graph node it became, and per weight layer the trained-weight statistics and spectrum.
/// <see cref="ParameterCount"/> is the sum of all initializer sizes (weights, biases, normalisation statistics, constants).
/// </summary>
public sealed record OnnxModelReport(
    string Path,
    long FileBytes,
    long IrVersion,
    string Producer,
    ImmutableArray<OnnxOpset> Opsets,
    string GraphName,
    long ParameterCount,
    ImmutableArray<OnnxInitializerInfo> Initializers,
    ImmutableArray<OnnxNodeInfo> Nodes,
    ImmutableArray<OnnxWeightLayer> Layers,
    ImmutableArray<OnnxSubgraphInfo> Subgraphs,
    ImmutableDictionary<string, int> UnknownOps,
    ImmutableDictionary<int, string> TensorOfModelNode)
{
    /// <summary>The ONNX node that produced a model-graph node's value, for hovers and the probe.</summary>
    public OnnxNodeInfo? NodeOf(int modelNode) => Nodes.LastOrDefault(n => n.ModelNode == modelNode);
}

public sealed record OnnxOpset(string Domain, long Version);

/// <summary>One initializer. Statistics are over finite values; <see cref="Error"/> says why they are missing.</summary>
public sealed record OnnxInitializerInfo(
    string Name,
    string DataType,
    ImmutableArray<long> Dims,
    long Elements,
    string Storage,
    double? Mean,
    double? Variance,
    double? Min,
    double? Max,
    long NonFinite,
    string? Error);

/// <summary>One ONNX node and what it became: <see cref="ModelNode"/> is the model-graph node id (null for constants and aliases).</summary>
public sealed record OnnxNodeInfo(
    string Name,
    string OpType,
    string Domain,
    ImmutableArray<string> Inputs,
    ImmutableArray<string> Outputs,
    int? ModelNode,
    string Mapping);

/// <summary>A subgraph held in a node attribute (If branches, Loop/Scan bodies); listed, not analysed.</summary>
public sealed record OnnxSubgraphInfo(string NodeName, string OpType, string Attribute, int NodeCount);

/// <summary>
/// A weight layer's trained weights as data. <see cref="SigmaW2"/> = Var(W)·fan_in, the effective init variance the
/// theory uses (THEORY.md §0.2); <see cref="StableRank"/> = ||W||_F^2 / ||W||_2^2. <see cref="Spectrum"/> says whether
/// the eigenvalues come from the whole matrix or a sample of it; <see cref="WeightScale"/> is the factor applied to the
/// stored tensor (Gemm's alpha).
/// </summary>
public sealed record OnnxWeightLayer(
    int ModelNode,
    string NodeName,
    string Kind,
    string Initializer,
    ImmutableArray<long> Shape,
    long FanIn,
    long FanOut,
    double Mean,
    double Variance,
    double SigmaW2,
    double? SpectralNorm,
    double? StableRank,
    PowerLawFit Fit,
    string Spectrum,
    double WeightScale = 1);
