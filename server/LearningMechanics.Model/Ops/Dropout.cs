using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

/// <summary><c>nn.Dropout(p)</c> with inverted scaling: kept units are multiplied by 1/(1-p) in training.</summary>
public sealed record Dropout(double P = 0.5) : Op
{
    public override string Kind => "Dropout";

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs) => ShapeResult.PassThrough(inputs);

    public override string Describe() => $"Dropout(p = {P})";
}
