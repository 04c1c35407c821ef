using KkboxNcf.Model.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>
/// Adam for embedding tables that updates only the rows a batch touched (the semantics of
/// TensorFlow's LazyAdam and PyTorch's SparseAdam): for a touched row the moments and the step are
/// exactly Adam's, with the bias correction of the global step count; an untouched row keeps its
/// weights and its moments (dense Adam would keep decaying its moments and keep moving it by the
/// momentum of old gradients). On the first step, and whenever every row is touched, it equals Adam.
/// </summary>
public sealed class LazyAdam
{
    readonly IReadOnlyList<RowEmbedding> _tables;
    readonly double _lr, _beta1, _beta2, _eps;

    public LazyAdam(IEnumerable<RowEmbedding> tables, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        _tables = tables.ToList();
        _lr = lr;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        foreach (var t in _tables) t.RowSparse = true;
    }

    public long StepCount { get; private set; }

    /// <summary>Sets the step count (its bias correction) when the moments are restored from a checkpoint.</summary>
    public void RestoreStepCount(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        StepCount = steps;
    }

    /// <summary>Applies one update from the gradients of the rows gathered since the last step, then forgets them.</summary>
    public void Step()
    {
        StepCount++;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var step = new AdamStep(_lr, _beta1, _beta2, _eps, StepCount);
        foreach (var table in _tables)
        {
            var (m, v) = table.Moments;
            foreach (var touched in table.Touched)
            {
                var g = touched.Values.grad;
                if (g is null) continue;
                var index = touched.Index;
                var mRows = m.index_select(0, index);
                var vRows = v.index_select(0, index);
                var denom = step.Moments(mRows, vRows, g);
                m.index_copy_(0, index, mRows);
                v.index_copy_(0, index, vRows);
                table.Weight.index_add_(0, index, mRows.div_(denom), step.StepSize);
            }
            table.ClearTouched();
        }
    }

    /// <summary>Drops gathered rows without updating (e.g. after a forward that is not trained on).</summary>
    public void Discard()
    {
        foreach (var t in _tables) t.ClearTouched();
    }
}
