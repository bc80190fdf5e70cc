using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.EmbeddingBag(num_embeddings, embedding_dims, ..., mode)</c>: a table N(0, 1) reduced over each bag; output [embedding_dims].</summary>
public sealed record EmbeddingBag(long NumEmbeddings, long EmbeddingDim) : Op
{
    public override string Kind => "EmbeddingBag";

    public override long ParameterCount => NumEmbeddings * EmbeddingDim;

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.Ok(TensorShape.Of(EmbeddingDim));

    public override string Describe() => $"EmbeddingBag {NumEmbeddings} × {EmbeddingDim}";
}
