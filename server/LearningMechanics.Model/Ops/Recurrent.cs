using System.Collections.Immutable;
using LearningMechanics.Model.Shapes;

namespace LearningMechanics.Model.Ops;

public enum RecurrentKind
{
    RNN,
    LSTM,
    GRU,
}

/// <summary>
/// <c>nn.RNN/LSTM/GRU(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)</c>.
/// Per layer and direction: W_ih [g·H, in], W_hh [g·H, H], b_ih and b_hh [g·H], with g = 1 (RNN), 4 (LSTM), 3 (GRU);
/// layers after the first take H·directions inputs (PyTorch's and libtorch's layout, which TorchSharp wraps).
/// Input [sequence, features] (batch excluded); output [sequence, H·directions].
/// </summary>
public sealed record Recurrent(RecurrentKind Cell, long InputSize, long HiddenSize, long NumLayers = 1, bool HasBias = true, bool Bidirectional = false) : Op
{
    public override string Kind => Cell.ToString();

    public long Gates => Cell switch { RecurrentKind.LSTM => 4, RecurrentKind.GRU => 3, _ => 1 };

    public long Directions => Bidirectional ? 2 : 1;

    public override long ParameterCount
    {
        get
        {
            long total = 0;
            for (var layer = 0; layer < NumLayers; layer++)
            {
                var inputs = layer == 0 ? InputSize : HiddenSize * Directions;
                total += Directions * (Gates * HiddenSize * inputs + Gates * HiddenSize * HiddenSize + (HasBias ? 2 * Gates * HiddenSize : 0));
            }
            return total;
        }
    }

    public override ShapeResult InferShape(ImmutableArray<TensorShape> inputs)
    {
        if (inputs.Length == 0 || !inputs[0].IsRankKnown)
            return ShapeResult.Ok(new TensorShape([null, HiddenSize * Directions]));
        var input = inputs[0];
        if (input.Last is long last && last != InputSize)
            return ShapeResult.Fail($"{Kind} expects {InputSize} input features but receives {last} (input shape {input})");
        return ShapeResult.Ok(new TensorShape(input.Dims.SetItem(input.Rank - 1, HiddenSize * Directions)));
    }

    public override string Describe() =>
        $"{Kind} {InputSize} → {HiddenSize}" + (NumLayers != 1 ? $", {NumLayers} layers" : "") + (Bidirectional ? ", bidirectional" : "") + (HasBias ? "" : ", no bias");
}
