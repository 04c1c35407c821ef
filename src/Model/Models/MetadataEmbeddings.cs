using KkboxNcf.Model.Runtime;
using KkboxNcf.Model.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// The embeddings of every metadata field (member, song, event; a song's genres averaged), each of
/// width min(n_dim, cardinality) as in Listing 1, in one fused table. Forward returns their
/// concatenation [B, Width].
/// </summary>
public sealed class MetadataEmbeddings : nn.Module<Tensor, Tensor>
{
    // the batch columns this module reads: the metadata fields, then the genre slots (FeatureLayout)
    static readonly int FirstColumn = (int)FeatureLayout.MetadataFields[0];
    static readonly int ColumnCount = FeatureLayout.MetadataFields.Length + FeatureLayout.GenreSlots;
    static readonly Scalar GenreSlots = ((long)FeatureLayout.GenreSlots).ToScalar(); // held: see HeldScalars

    readonly SegmentedEmbedding embed;
    readonly int[] _widths;
    readonly int _genreWidth;

    public MetadataEmbeddings(ModelShape shape, Generator init) : base("metadata")
    {
        for (int i = 0; i < FeatureLayout.MetadataFields.Length; i++)
            if ((int)FeatureLayout.MetadataFields[i] != FirstColumn + i) throw new InvalidOperationException("metadata fields must be adjacent columns");
        var segments = FeatureLayout.MetadataFields.Select(f => ((Field?)f, shape.CapacityOf(f))).Append((null, shape.GenreCapacity)).ToArray();
        var columns = Enumerable.Range(0, FeatureLayout.MetadataFields.Length)
            .Concat(Enumerable.Repeat(FeatureLayout.MetadataFields.Length, FeatureLayout.GenreSlots)).ToArray();
        embed = new SegmentedEmbedding("embed", segments, columns, shape.NDim, shape.InitStd, init);
        _widths = FeatureLayout.MetadataFields.Select(shape.WidthOf).ToArray();
        _genreWidth = shape.GenreWidth;
        Width = _widths.Sum() + _genreWidth;
        RegisterComponents();
    }

    public int Width { get; }

    public SegmentedEmbedding Store => embed;

    public override Tensor forward(Tensor batch)
    {
        int fields = FeatureLayout.MetadataFields.Length;
        var e = embed.forward(batch.narrow(1, FirstColumn, ColumnCount)); // [B, fields + slots, n_dim]
        var parts = new Tensor[fields + 1];
        for (int i = 0; i < fields; i++) parts[i] = e.select(1, i).narrow(1, 0, _widths[i]);
        // genres: mean over the song's genre slots (slots past its genre count are masked out)
        var count = batch.select(1, FeatureLayout.GenreCountColumn).unsqueeze(1);
        var mask = (torch.arange(HeldScalars.Zero, GenreSlots, HeldScalars.One, dtype: int64).unsqueeze(0) < count).to(float32).unsqueeze(2);
        var genres = (e.narrow(1, fields, FeatureLayout.GenreSlots) * mask).sum(1) / count.to(float32);
        parts[fields] = genres.narrow(1, 0, _genreWidth);
        return torch.cat(parts, 1);
    }
}
