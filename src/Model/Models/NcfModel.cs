using KkboxNcf.Model.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// Neural collaborative filtering with metadata (Listing 1): a GMF branch (elementwise product of
/// user and song embeddings), an MLP branch over user, song and every metadata embedding, both
/// concatenated into the final layer, plus user and song biases.
/// </summary>
public sealed class NcfModel : RecModel, IDotProductModel
{
    // users and songs share one fused table; a row is [nn_embed | mf_embed (n_dim) | mf_bias]
    readonly SegmentedEmbedding entity;
    readonly MetadataEmbeddings meta;
    readonly Linear l1, l2, l3, l4;
    readonly int _nnWidth;

    public NcfModel(ModelShape shape, int seed = 0) : base("ncf", shape, seed)
    {
        int nDim = shape.NDim;
        _nnWidth = Math.Max(shape.WidthOf(Field.User), shape.WidthOf(Field.Song));
        entity = EntityTable(shape, _nnWidth + nDim + 1);
        meta = new MetadataEmbeddings(shape, Init);
        int concat = shape.WidthOf(Field.User) + shape.WidthOf(Field.Song) + meta.Width;
        l1 = SeededLinear(concat, concat * 2);
        l2 = SeededLinear(concat * 2, concat);
        l3 = SeededLinear(concat, nDim);
        l4 = SeededLinear(2 * nDim, 1);
        RegisterComponents();
    }

    public override IEnumerable<SegmentedEmbedding> Stores => [entity, meta.Store];

    public override Tensor forward(Tensor batch)
    {
        int nDim = Shape.NDim;
        var e = entity.forward(batch.narrow(1, 0, 2));
        var user = e.select(1, 0);
        var item = e.select(1, 1);
        var user_nn_embed = user.narrow(1, 0, Shape.WidthOf(Field.User));
        var item_nn_embed = item.narrow(1, 0, Shape.WidthOf(Field.Song));
        var user_mf_embed = user.narrow(1, _nnWidth, nDim);
        var item_mf_embed = item.narrow(1, _nnWidth, nDim);
        var user_bias = user.select(1, _nnWidth + nDim);
        var item_bias = item.select(1, _nnWidth + nDim);

        var concat_embed = torch.cat([user_nn_embed, item_nn_embed, meta.forward(batch)], 1);
        var h1 = Layer(l1, concat_embed);
        var h2 = Layer(l2, h1);
        var h3 = Layer(l3, h2);

        var mf_embed = user_mf_embed * item_mf_embed;

        var logit = l4.forward(torch.cat([mf_embed, h3], 1)).squeeze(1);
        return logit + user_bias + item_bias;
    }

    /// <summary>
    /// The GMF half as a dot product: gmf(u, s) = user[u] . song[s] + user_bias[u] + song_bias[s] + b,
    /// where song[s] = item_mf[s] * w_gmf (the final layer's weights on the GMF half) and b is the
    /// final layer's bias. The full NCF score adds w_mlp . h3(u, s); ranking a user's candidates by
    /// the GMF part is one matrix product over all songs.
    /// </summary>
    public DotProductFactors ExtractFactors()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        int nDim = Shape.NDim;
        var users = entity.SegmentWeights(Field.User).detach();
        var songs = entity.SegmentWeights(Field.Song).detach();
        var wGmf = l4.weight!.detach().narrow(1, 0, nDim).reshape(1, nDim);
        return new DotProductFactors(nDim,
            users.narrow(1, _nnWidth, nDim).contiguous().data<float>().ToArray(),
            (songs.narrow(1, _nnWidth, nDim) * wGmf).contiguous().data<float>().ToArray(),
            users.select(1, _nnWidth + nDim).contiguous().data<float>().ToArray(),
            songs.select(1, _nnWidth + nDim).contiguous().data<float>().ToArray(),
            l4.bias!.detach().item<float>());
    }
}
