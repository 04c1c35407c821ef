using KkboxNcf.Model.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>Matrix factorization (eq. 9): sigmoid(U_i . V_j + B_i^user + B_j^item).</summary>
public sealed class MfModel : RecModel, IDotProductModel
{
    readonly RowEmbedding user_embed, item_embed, user_bias, item_bias;

    public MfModel(ModelShape shape) : base("mf", shape)
    {
        user_embed = new RowEmbedding("user_embed", shape.CapacityOf(Field.User), shape.NDim, shape.InitStd);
        item_embed = new RowEmbedding("item_embed", shape.CapacityOf(Field.Song), shape.NDim, shape.InitStd);
        user_bias = new RowEmbedding("user_bias", shape.CapacityOf(Field.User), 1, shape.InitStd);
        item_bias = new RowEmbedding("item_bias", shape.CapacityOf(Field.Song), 1, shape.InitStd);
        RegisterComponents();
    }

    public override IEnumerable<(Field? Field, RowEmbedding Table)> Tables =>
    [
        (Field.User, user_embed), (Field.Song, item_embed), (Field.User, user_bias), (Field.Song, item_bias),
    ];

    public override Tensor forward(Tensor batch)
    {
        var user = Column(batch, Field.User);
        var item = Column(batch, Field.Song);
        var dot = (user_embed.forward(user) * item_embed.forward(item)).sum(1);
        return dot + user_bias.forward(user).squeeze(1) + item_bias.forward(item).squeeze(1);
    }

    public DotProductFactors ExtractFactors()
    {
        using var _ = torch.no_grad();
        return new DotProductFactors(
            Shape.NDim,
            user_embed.Weight.detach().contiguous().data<float>().ToArray(),
            item_embed.Weight.detach().contiguous().data<float>().ToArray(),
            user_bias.Weight.detach().reshape(-1).data<float>().ToArray(),
            item_bias.Weight.detach().reshape(-1).data<float>().ToArray(),
            0f);
    }
}
