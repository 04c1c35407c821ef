using KkboxNcf.Model.Runtime;
using KkboxNcf.Model.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>Matrix factorization (eq. 9): sigmoid(U_i . V_j + B_i^user + B_j^item).</summary>
public sealed class MfModel : RecModel, IDotProductModel
{
    // one fused table for users and songs; a row is [embedding (n_dim) | bias]
    readonly SegmentedEmbedding entity;

    public MfModel(ModelShape shape, int seed = 0) : base("mf", shape, seed)
    {
        entity = EntityTable(shape, shape.NDim + 1);
        RegisterComponents();
    }

    public override IEnumerable<SegmentedEmbedding> Stores => [entity];

    public override Tensor forward(Tensor batch)
    {
        int d = Shape.NDim;
        var e = entity.forward(batch.narrow(1, 0, 2));
        var user = e.select(1, 0);
        var item = e.select(1, 1);
        var dot = (user.narrow(1, 0, d) * item.narrow(1, 0, d)).sum(1);
        return dot.Plus(user.select(1, d)).Plus(item.select(1, d));
    }

    public DotProductFactors ExtractFactors()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        int d = Shape.NDim;
        var users = entity.SegmentWeights(Field.User).detach();
        var songs = entity.SegmentWeights(Field.Song).detach();
        return new DotProductFactors(d,
            users.narrow(1, 0, d).contiguous().data<float>().ToArray(),
            songs.narrow(1, 0, d).contiguous().data<float>().ToArray(),
            users.select(1, d).contiguous().data<float>().ToArray(),
            songs.select(1, d).contiguous().data<float>().ToArray(),
            0f);
    }
}
