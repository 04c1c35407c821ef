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
    readonly RowEmbedding user_nn_embed, user_mf_embed, user_mf_bias;
    readonly RowEmbedding item_nn_embed, item_mf_embed, item_mf_bias;
    readonly MetadataEmbeddings meta;
    readonly Linear l1, l2, l3, l4;

    public NcfModel(ModelShape shape) : base("ncf", shape)
    {
        int nDim = shape.NDim;
        user_nn_embed = new RowEmbedding("user_nn_embed", shape.CapacityOf(Field.User), shape.WidthOf(Field.User), shape.InitStd);
        user_mf_embed = new RowEmbedding("user_mf_embed", shape.CapacityOf(Field.User), nDim, shape.InitStd);
        user_mf_bias = new RowEmbedding("user_mf_bias", shape.CapacityOf(Field.User), 1, shape.InitStd);
        item_nn_embed = new RowEmbedding("item_nn_embed", shape.CapacityOf(Field.Song), shape.WidthOf(Field.Song), shape.InitStd);
        item_mf_embed = new RowEmbedding("item_mf_embed", shape.CapacityOf(Field.Song), nDim, shape.InitStd);
        item_mf_bias = new RowEmbedding("item_mf_bias", shape.CapacityOf(Field.Song), 1, shape.InitStd);
        meta = new MetadataEmbeddings(shape);
        int concat = shape.WidthOf(Field.User) + shape.WidthOf(Field.Song) + meta.Width;
        l1 = nn.Linear(concat, concat * 2);
        l2 = nn.Linear(concat * 2, concat);
        l3 = nn.Linear(concat, nDim);
        l4 = nn.Linear(2 * nDim, 1);
        RegisterComponents();
    }

    public override IEnumerable<(Field? Field, RowEmbedding Table)> Tables =>
        new (Field?, RowEmbedding)[]
        {
            (Field.User, user_nn_embed), (Field.User, user_mf_embed), (Field.User, user_mf_bias),
            (Field.Song, item_nn_embed), (Field.Song, item_mf_embed), (Field.Song, item_mf_bias),
        }.Concat(meta.Tables);

    public override Tensor forward(Tensor batch)
    {
        var user = Column(batch, Field.User);
        var item = Column(batch, Field.Song);

        var concat_embed = torch.cat([user_nn_embed.forward(user), item_nn_embed.forward(item), meta.forward(batch)], 1);
        var h1 = torch.nn.functional.relu(l1.forward(concat_embed));
        var h2 = torch.nn.functional.relu(l2.forward(h1));
        var h3 = torch.nn.functional.relu(l3.forward(h2));

        var mf_embed = user_mf_embed.forward(user) * item_mf_embed.forward(item);

        var logit = l4.forward(torch.cat([mf_embed, h3], 1)).squeeze(1);
        return logit + user_mf_bias.forward(user).squeeze(1) + item_mf_bias.forward(item).squeeze(1);
    }

    /// <summary>
    /// The GMF half as a dot product: score(u, s) = user[u] . song[s] + song_bias[s] + user_bias[u],
    /// where song[s] = item_mf[s] * w_gmf (the final layer's weights on the GMF half) and song_bias
    /// folds in the final layer's bias. Ranking a user's candidates by it is a matrix product over all songs.
    /// </summary>
    public DotProductFactors ExtractFactors()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        int nDim = Shape.NDim;
        var wGmf = l4.weight!.detach().narrow(1, 0, nDim).reshape(1, nDim);
        var songs = (item_mf_embed.Weight.detach() * wGmf).contiguous();
        return new DotProductFactors(
            nDim,
            user_mf_embed.Weight.detach().contiguous().data<float>().ToArray(),
            songs.data<float>().ToArray(),
            user_mf_bias.Weight.detach().reshape(-1).data<float>().ToArray(),
            item_mf_bias.Weight.detach().reshape(-1).data<float>().ToArray(),
            l4.bias!.detach().item<float>());
    }
}
