using LearningMechanics.Model.Graph;
using LearningMechanics.Model.Ops;
using LearningMechanics.Theory.Rules;

namespace LearningMechanics.Theory;

/// <summary>
/// The hop from one weight node to the next along a plain chain: weight -> [Flatten | Dropout]* -> [activation]
/// -> [Flatten | Dropout]* -> weight. Anything else (LayerNorm, BatchNorm, Add, a fork) breaks the chain.
/// </summary>
internal sealed record GradientChain(int From, int To, ActivationRule? Phi, double DropoutGain)
{
    public static GradientChain? Follow(ModelGraph graph, ILookup<int, int> consumers, int weightNode)
    {
        ActivationRule? phi = null;
        var dropoutGain = 1.0;
        var current = weightNode;
        while (true)
        {
            var next = consumers[current].ToList();
            if (next.Count != 1)
                return null;
            var node = graph[next[0]];
            switch (node.Op)
            {
                case Flatten:
                    break;
                case Dropout dropout when dropout.P < 1:
                    dropoutGain /= 1 - dropout.P;
                    break;
                case Activation activation when phi is null && Activations.For(activation) is { } rule:
                    phi = rule;
                    break;
                case var op when LinearRule.IsWeightOp(op):
                    return new GradientChain(weightNode, node.Id, phi, dropoutGain);
                default:
                    return null;
            }
            current = node.Id;
        }
    }
}
