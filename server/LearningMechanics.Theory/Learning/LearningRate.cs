namespace LearningMechanics.Theory.Learning;

/// <summary>
/// A learning rate together with the conventions that give it meaning: the loss (kind, reduction, 1/2 or not) and the
/// optimizer form. A bare double is how factor-of-2 bugs get in (STYLE.md).
/// </summary>
public readonly record struct LearningRate(double Value, LossConvention Loss, OptimizerForm Form, double Momentum = 0)
{
    public override string ToString() =>
        $"{Value:G3} ({Loss.Describe()}; {Form}{(Momentum != 0 ? $", beta = {Momentum:G3}" : "")})";
}
