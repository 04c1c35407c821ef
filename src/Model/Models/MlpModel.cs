using KkboxNcf.Model.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// The content-based baseline (eq. 13-14): a four-layer perceptron over the concatenated
/// embeddings of the user, the song and every metadata field of member, song and event.
/// </summary>
public sealed class MlpModel : RecModel
{
    readonly SegmentedEmbedding entity;
    readonly MetadataEmbeddings meta;
    readonly Linear l1, l2, l3, l4;

    public MlpModel(ModelShape shape, int seed = 0) : base("mlp", shape, seed)
    {
        entity = EntityTable(shape, Math.Max(shape.WidthOf(Field.User), shape.WidthOf(Field.Song)));
        meta = new MetadataEmbeddings(shape, Init);
        int concat = shape.WidthOf(Field.User) + shape.WidthOf(Field.Song) + meta.Width;
        l1 = SeededLinear(concat, concat * 2);
        l2 = SeededLinear(concat * 2, concat);
        l3 = SeededLinear(concat, shape.NDim);
        l4 = SeededLinear(shape.NDim, 1);
        RegisterComponents();
    }

    public override IEnumerable<SegmentedEmbedding> Stores => [entity, meta.Store];

    public override Tensor forward(Tensor batch)
    {
        var e = entity.forward(batch.narrow(1, 0, 2));
        var embed_user = e.select(1, 0).narrow(1, 0, Shape.WidthOf(Field.User));
        var embed_item = e.select(1, 1).narrow(1, 0, Shape.WidthOf(Field.Song));
        // X = [Embed_user, Embed_item, Embed_meta...] (eq. 14)
        var x = torch.cat([embed_user, embed_item, meta.forward(batch)], 1);
        // W4 * relu(W3 * relu(W2 * relu(W1 * X + b1) + b2) + b3), before the sigmoid (eq. 13)
        var h1 = Layer(l1, x);
        var h2 = Layer(l2, h1);
        var h3 = Layer(l3, h2);
        return Layer(l4, h3, relu: false).squeeze(1);
    }
}
