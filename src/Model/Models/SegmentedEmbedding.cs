using KkboxNcf.Model.Runtime;
using KkboxNcf.Model.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// Several embedding tables of one width fused into one RowEmbedding, each field a segment of rows
/// at its own offset. One lookup, one unique and one LazyAdam update serve every field of a batch:
/// with per-field tables the per-operation overhead of ~20 small tables, not arithmetic, bounded
/// training speed. Fields narrower than the fused width (min(n_dim, cardinality)) use the first
/// columns of their rows; the rest of those columns never receive a gradient.
/// </summary>
public sealed class SegmentedEmbedding : nn.Module<Tensor, Tensor>
{
    readonly RowEmbedding table;
    readonly Segment[] _segments;
    readonly int[] _columnSegment;
    readonly OffsetHolder _offsets = new();

    /// <param name="segments">The fields (Field null = genres) with their capacities.</param>
    /// <param name="columnSegment">For each column of the index matrix forward receives, the segment it indexes.</param>
    public SegmentedEmbedding(string name, IReadOnlyList<(Field? Field, int Capacity)> segments, int[] columnSegment, int width, double initStd, Generator init)
        : base(name)
    {
        _segments = Layout(segments.Select(s => s.Field).ToArray(), segments.Select(s => (long)s.Capacity).ToArray());
        _columnSegment = columnSegment;
        table = new RowEmbedding("table", _segments[^1].Offset + _segments[^1].Rows, width, initStd, init);
        RegisterComponents();
    }

    public RowEmbedding Table => table;

    public IReadOnlyList<Segment> Segments => _segments;

    /// <summary>Field ids [B, K] (rows within each column's field) -> embeddings [B, K, width].</summary>
    /// <remarks>The index matrix may have fewer columns than columnSegment names (the first ones).</remarks>
    public override Tensor forward(Tensor ids)
    {
        var offsets = Offsets();
        return table.forward(ids.Plus(ids.shape[1] == offsets.shape[0] ? offsets : offsets.narrow(0, 0, ids.shape[1])));
    }

    /// <summary>The rows of one field's segment [Rows, width] (a view of the weights, e.g. to extract GMF vectors).</summary>
    public Tensor SegmentWeights(Field? field)
    {
        var s = _segments.First(x => x.Field == field);
        return table.Weight.narrow(0, s.Offset, s.Rows);
    }

    /// <summary>Grows the segments whose fields now have more rows than they hold (with headroom), moving the rows after them.</summary>
    public void EnsureCapacity(FeatureSpace space, double headroom)
    {
        var needed = _segments.Select(s => (long)(s.Field is { } f ? space[f].Count : space.Genres.Count)).ToArray();
        if (!_segments.Where((s, i) => needed[i] > s.Rows).Any()) return;
        var capacities = _segments.Select((s, i) => needed[i] > s.Rows ? ModelShape.WithHeadroom((int)needed[i], headroom) : s.Rows).ToArray();
        var grown = Layout(_segments.Select(s => s.Field).ToArray(), capacities);
        var destination = new long[table.Rows];
        for (int i = 0; i < _segments.Length; i++)
            for (long r = 0; r < _segments[i].Rows; r++) destination[_segments[i].Offset + r] = grown[i].Offset + r;
        table.Remap(grown[^1].Offset + grown[^1].Rows, destination);
        grown.CopyTo(_segments, 0);
        _offsets.Tensor?.Dispose();
        _offsets.Tensor = null;
    }

    Tensor Offsets()
    {
        _offsets.Tensor ??= torch.tensor(_columnSegment.Select(s => _segments[s].Offset).ToArray(), dtype: int64).DetachFromDisposeScope();
        return _offsets.Tensor;
    }

    static Segment[] Layout(Field?[] fields, long[] capacities)
    {
        var result = new Segment[fields.Length];
        long offset = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            result[i] = new Segment(fields[i], offset, capacities[i]);
            offset += capacities[i];
        }
        return result;
    }

    // Not a Tensor field: RegisterComponents would save it as a buffer, and it changes when segments grow.
    sealed class OffsetHolder
    {
        public Tensor? Tensor;
    }
}

/// <summary>A field's rows within a fused table (Field null = genres).</summary>
public sealed record Segment(Field? Field, long Offset, long Rows);
