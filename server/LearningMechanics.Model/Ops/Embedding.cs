using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Embedding(numEmbeddings, embeddingDims)</c>; TorchSharp initialises the table N(0, 1).</summary>
public sealed record Embedding(long NumEmbeddings, long EmbeddingDim) : Op
{
    public override string Kind => "Embedding";

    public override long ParameterCount => NumEmbeddings * EmbeddingDim;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) =>
        inputs.Length == 0 || !inputs[0].IsRankKnown
            ? ShapeResult.Ok(TensorShape.Of(EmbeddingDim))
            : ShapeResult.Ok(new TensorShape(inputs[0].Dims.Add(EmbeddingDim)));

    public override string Describe() => $"Embedding {NumEmbeddings} × {EmbeddingDim}";
}
