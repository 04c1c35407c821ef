using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using TorchSharp;

namespace KkboxNcf.Trainer.Online;

/// <summary>Row-level surgery on a model's embedding tables.</summary>
public static class ModelRows
{
    /// <summary>
    /// Makes a recycled user or song row start as the unknown row of its field (what the model
    /// used for an id it had not seen) with fresh (zero) Adam moments, in every table that has the field.
    /// </summary>
    public static void ResetToUnknown(RecModel model, Field field, int row)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        foreach (var store in model.Stores)
            foreach (var segment in store.Segments.Where(s => s.Field == field))
            {
                if (row >= segment.Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"{field} has {segment.Rows} rows");
                var weight = store.Table.Weight;
                weight[segment.Offset + row].copy_(weight[segment.Offset + Vocabulary.UnknownRow]);
                var (m, v) = store.Table.Moments;
                m[segment.Offset + row].zero_();
                v[segment.Offset + row].zero_();
            }
    }
}
