using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary>The model's input. <see cref="SecondMoment"/> is E[x^2] per input coordinate (1 for standard Gaussian inputs).</summary>
public sealed record Input(TensorShape Shape, double SecondMoment = 1.0) : Op
{
    public override string Kind => "Input";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.Ok(Shape);

    public override string Describe() => $"Input {Shape}";
}
