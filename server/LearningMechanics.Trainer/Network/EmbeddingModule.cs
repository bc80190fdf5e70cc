using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LearningMechanics.Trainer.Network;

/// <summary>An embedding lookup that accepts the float-typed index tensor the data generator makes (integral values).</summary>
internal sealed class EmbeddingModule : nn.Module<Tensor, Tensor>
{
    private readonly Embedding table;

    public EmbeddingModule(Embedding table) : base("embedding")
    {
        this.table = table;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => table.call(input.to_type(ScalarType.Int64));
}
