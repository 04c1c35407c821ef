using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// An embedding table (nn.Embedding) that can also train row-sparsely: in row-sparse mode a
/// training forward gathers only the distinct rows the batch uses into a small leaf tensor, so the
/// backward produces a gradient for those rows alone and LazyAdam updates just them (and their Adam
/// moments, which the table keeps row-aligned with its weights). Dense Adam over KKBOX-size tables
/// instead touches millions of unused rows at every step, which is what made the seed's setup slow.
/// </summary>
public sealed class RowEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double _initStd;
    readonly List<TouchedRows> _touched = [];
    readonly MomentHolder _moments = new();
    readonly Generator _init;

    /// <param name="init">The seeded generator that draws the initial rows (and rows added later).</param>
    public RowEmbedding(string name, long rows, long dim, double initStd, Generator init) : base(name)
    {
        weight = new Parameter(torch.empty(rows, dim));
        _initStd = initStd;
        _init = init;
        using (torch.no_grad()) weight.normal_(0, initStd, init);
        Dim = dim;
        RegisterComponents();
    }

    public long Dim { get; }

    public long Rows => weight.shape[0];

    public Parameter Weight => weight;

    /// <summary>When true (set by LazyAdam), training forwards record the rows they touch.</summary>
    public bool RowSparse { get; set; }

    /// <summary>Rows gathered by the forwards since the last ClearTouched, with their gradients after backward.</summary>
    public IReadOnlyList<TouchedRows> Touched => _touched;

    public void ClearTouched() => _touched.Clear();

    /// <summary>Adam's first and second moments, row-aligned with the weights (created on first use, zero).</summary>
    public (Tensor M, Tensor V) Moments
    {
        get
        {
            _moments.M ??= torch.zeros_like(weight).DetachFromDisposeScope();
            _moments.V ??= torch.zeros_like(weight).DetachFromDisposeScope();
            return (_moments.M, _moments.V);
        }
    }

    /// <summary>Index [N] -> rows [N, Dim]; any index shape works, the result gains a last dimension.</summary>
    public override Tensor forward(Tensor index)
    {
        var flat = index.reshape(-1);
        var outShape = index.shape.Append(Dim).ToArray();
        if (RowSparse && training)
        {
            var (unique, inverse, _) = torch.unique(flat, sorted: false, return_inverse: true);
            Tensor rows;
            using (torch.no_grad()) rows = weight.index_select(0, unique);
            rows.requires_grad_(true);
            _touched.Add(new TouchedRows(unique, rows));
            return rows.index_select(0, inverse!).reshape(outShape);
        }
        return weight.index_select(0, flat).reshape(outShape);
    }

    /// <summary>
    /// Re-lays the table out over newRows rows: old row i moves to destination[i]; the other rows are
    /// new (initialised like the rest, with zero moments). Used when a segment of a fused table grows.
    /// </summary>
    public void Remap(long newRows, long[] destination)
    {
        if (destination.Length != Rows) throw new ArgumentException("one destination per existing row", nameof(destination));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var dest = torch.tensor(destination, dtype: int64);
        var grown = torch.empty(newRows, Dim).normal_(0, _initStd, _init);
        grown.index_copy_(0, dest, weight.detach());
        weight.set_(grown);
        if (_moments.M is not null && _moments.V is not null)
        {
            var m = torch.zeros(newRows, Dim).index_copy_(0, dest, _moments.M);
            var v = torch.zeros(newRows, Dim).index_copy_(0, dest, _moments.V);
            _moments.M.Dispose();
            _moments.V.Dispose();
            _moments.M = m.DetachFromDisposeScope();
            _moments.V = v.DetachFromDisposeScope();
        }
    }

    // A holder, not Tensor fields: RegisterComponents would save optimizer state as buffers.
    sealed class MomentHolder
    {
        public Tensor? M;
        public Tensor? V;
    }
}

/// <summary>The distinct rows one forward gathered (Index) and the leaf tensor holding them (Values; its grad after backward).</summary>
public sealed record TouchedRows(Tensor Index, Tensor Values);
