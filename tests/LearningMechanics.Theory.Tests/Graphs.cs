using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Init;
using LearningMechanics.Model.Ops;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Theory.Tests;

/// <summary>Small model graphs for the tests.</summary>
internal static class Graphs
{
    /// <summary>Input(width0) -> [Linear -> phi] x hidden -> Linear(width, outputs).</summary>
    public static ModelGraph Mlp(
        int inputs, int width, int hiddenLayers, ActivationKind phi, InitSpec? weightInit = null, InitSpec? biasInit = null,
        bool hasBias = true, int outputs = 1, double inputSecondMoment = 1.0)
    {
        var builder = new GraphBuilder("mlp", ModelOrigin.Synthetic, TensorShape.Of(inputs), inputSecondMoment);
        var fanIn = inputs;
        for (var layer = 0; layer < hiddenLayers; layer++)
        {
            builder.Then(new Linear(fanIn, width, hasBias), weightInit: weightInit, biasInit: biasInit);
            builder.Then(new Activation(phi));
            fanIn = width;
        }
        builder.Then(new Linear(fanIn, outputs, hasBias), weightInit: weightInit, biasInit: biasInit);
        return builder.Build();
    }

    /// <summary>
    /// Gaussian init with fan-in normalised sigma_w^2 &lt;= 2 at every layer: kaiming_normal_(a, leaky_relu) has
    /// Var = 2/((1 + a^2) fan_in), so a = sqrt(2/sigma_w^2 - 1).
    /// </summary>
    public static InitSpec FanIn(double sigmaW2) => new KaimingInit(Uniform: false, A: Math.Sqrt(2 / sigmaW2 - 1), Nonlinearity: "leaky_relu");
}
