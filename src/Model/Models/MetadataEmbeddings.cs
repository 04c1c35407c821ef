using KkboxNcf.Model.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// The embeddings of every metadata field (member, song, event; genres averaged), each of width
/// min(n_dim, cardinality) as in Listing 1. Forward returns their concatenation [B, Width].
/// </summary>
public sealed class MetadataEmbeddings : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<RowEmbedding> fields;
    readonly RowEmbedding genre;

    public MetadataEmbeddings(ModelShape shape) : base("metadata")
    {
        fields = new ModuleList<RowEmbedding>(FeatureLayout.MetadataFields
            .Select(f => new RowEmbedding(FeatureLayout.Name(f), shape.CapacityOf(f), shape.WidthOf(f), shape.InitStd)).ToArray());
        genre = new RowEmbedding("genre", shape.GenreCapacity, shape.GenreWidth, shape.InitStd);
        Width = FeatureLayout.MetadataFields.Sum(shape.WidthOf) + shape.GenreWidth;
        RegisterComponents();
    }

    public int Width { get; }

    public IEnumerable<(Field? Field, RowEmbedding Table)> Tables =>
        FeatureLayout.MetadataFields.Select((f, i) => ((Field?)f, fields[i])).Append((null, genre));

    public override Tensor forward(Tensor batch)
    {
        var parts = new List<Tensor>(FeatureLayout.MetadataFields.Length + 1);
        for (int i = 0; i < FeatureLayout.MetadataFields.Length; i++)
            parts.Add(fields[i].forward(batch.select(1, (int)FeatureLayout.MetadataFields[i])));
        parts.Add(GenreMeanOf(batch));
        return torch.cat(parts, 1);
    }

    Tensor GenreMeanOf(Tensor batch)
    {
        var slots = batch.narrow(1, FeatureLayout.GenreColumn, FeatureLayout.GenreSlots);
        var count = batch.select(1, FeatureLayout.GenreCountColumn).unsqueeze(1);
        var mask = (torch.arange(FeatureLayout.GenreSlots, dtype: int64).unsqueeze(0) < count).to(float32).unsqueeze(2);
        return (genre.forward(slots) * mask).sum(1) / count.to(float32);
    }
}
