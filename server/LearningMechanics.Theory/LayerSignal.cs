namespace LearningMechanics.Theory;

/// <summary>
/// The predicted signal at one graph node, at initialization and infinite width.
/// </summary>
/// <param name="NodeId">The node's id in the graph.</param>
/// <param name="Q">Mean over units and over the probe input of the node's output squared: for a weight node the
/// pre-activation length q^l = sigma_w^2 E[input^2] + sigma_b^2, for an activation E[phi(h)^2], for the input
/// Input.SecondMoment. Null when there is no theory for this node (<see cref="NoTheory"/> says why).</param>
/// <param name="QRatio">For weight nodes: Q divided by the Q of the previous weight node's output (the input's Q for the
/// first weight node). 1/6 per layer for a bias-free PyTorch-default ReLU MLP, 1 for He init.</param>
/// <param name="Chi">For a weight node feeding (through one elementwise activation) the next weight node: the per-layer
/// gradient gain ||delta^l||^2/||delta^{l+1}||^2 = sigma_w^2 E[phi'(h^l)^2] at this node's actual q, where sigma_w^2 is
/// the next weight node's (the matrix that carries the gradient back; equal to chi_1 when the layers share sigma_w^2).
/// Identity when no activation sits between; times 1/rho for a dropout in between. Null for the readout.</param>
/// <param name="CumulativeGradientGain">Product of <see cref="Chi"/> from this weight node to the last one:
/// ||delta^l||^2/||delta^L||^2 (THEORY.md §4.1). 1 at the readout; null when the chain is broken by an op without a rule.</param>
/// <param name="SigmaW2">Fan-in normalised weight variance of a weight node.</param>
/// <param name="SigmaB2">Bias variance of a weight node (null when it has no bias).</param>
public sealed record LayerSignal(
    int NodeId,
    string Name,
    string Kind,
    double? Q,
    double? QRatio,
    double? Chi,
    double? CumulativeGradientGain,
    double? SigmaW2,
    double? SigmaB2,
    string? NoTheory);
