using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// An embedding table (nn.Embedding) that can also train row-sparsely: in row-sparse mode a
/// training forward gathers only the distinct rows the batch uses into a small leaf tensor, so the
/// backward produces a gradient for those rows alone and LazyAdam updates just them. Dense Adam over
/// KKBOX-size tables instead touches millions of unused rows at every step, which is what made the
/// seed's setup slow. Grows in place when the vocabulary outgrows it.
/// </summary>
public sealed class RowEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double _initStd;
    readonly List<TouchedRows> _touched = [];

    public RowEmbedding(string name, long rows, long dim, double initStd) : base(name)
    {
        weight = new Parameter(torch.empty(rows, dim));
        _initStd = initStd;
        using (torch.no_grad()) weight.normal_(0, initStd);
        Dim = dim;
        RegisterComponents();
    }

    public long Dim { get; }

    public long Rows => weight.shape[0];

    public Parameter Weight => weight;

    /// <summary>When true (set by the optimizer), training forwards record the rows they touch.</summary>
    public bool RowSparse { get; set; }

    /// <summary>Rows gathered by the forwards since the last ClearTouched, with their gradients after backward.</summary>
    public IReadOnlyList<TouchedRows> Touched => _touched;

    public void ClearTouched() => _touched.Clear();

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

    /// <summary>Adds rows (initialised like the others) so the table holds at least `rows` rows.</summary>
    public void Grow(long rows, Generator? generator = null)
    {
        if (rows <= Rows) return;
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            var extra = torch.empty(rows - Rows, Dim).normal_(0, _initStd, generator);
            var grown = torch.cat([weight.detach(), extra], 0);
            weight.set_(grown);
        }
    }
}

/// <summary>The distinct rows one forward gathered (Index) and the leaf tensor holding them (Values; its grad after backward).</summary>
public sealed record TouchedRows(Tensor Index, Tensor Values);
