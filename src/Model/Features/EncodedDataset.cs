using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Features;

/// <summary>
/// Examples encoded as rows of the vocabularies: one int array per column (the fields of
/// FeatureLayout, the genre slots and the genre count), the label (0/1, or -1 when unknown) and the
/// source row number (the only clock of the KKBOX data). Shared by the offline command, the
/// streaming Trainer and the Scorer.
/// </summary>
public sealed class EncodedDataset
{
    public EncodedDataset(int[][] columns, float[] labels, long[] rows)
    {
        if (columns.Length != FeatureLayout.Columns)
            throw new ArgumentException($"expected {FeatureLayout.Columns} columns, got {columns.Length}", nameof(columns));
        foreach (var c in columns)
            if (c.Length != labels.Length) throw new ArgumentException("every column needs one value per example", nameof(columns));
        if (rows.Length != labels.Length) throw new ArgumentException("one row number per example", nameof(rows));
        Columns = columns;
        Labels = labels;
        Rows = rows;
    }

    public static EncodedDataset Empty(int count) => new(
        Enumerable.Range(0, FeatureLayout.Columns).Select(_ => new int[count]).ToArray(),
        new float[count], new long[count]);

    /// <summary>[column][example].</summary>
    public int[][] Columns { get; }

    public float[] Labels { get; }

    public long[] Rows { get; }

    public int Count => Labels.Length;

    public int[] Column(Field f) => Columns[(int)f];

    /// <summary>The examples at the given positions, in that order.</summary>
    public EncodedDataset Select(IReadOnlyList<int> positions)
    {
        var result = Empty(positions.Count);
        for (int c = 0; c < FeatureLayout.Columns; c++)
        {
            var src = Columns[c];
            var dst = result.Columns[c];
            for (int i = 0; i < positions.Count; i++) dst[i] = src[positions[i]];
        }
        for (int i = 0; i < positions.Count; i++)
        {
            result.Labels[i] = Labels[positions[i]];
            result.Rows[i] = Rows[positions[i]];
        }
        return result;
    }

    public EncodedDataset Slice(int start, int count) => Select(Enumerable.Range(start, count).ToArray());

    /// <summary>Examples as an int32 [N, Columns] tensor (row-major, the layout the models read) and float labels [N].</summary>
    public (Tensor Features, Tensor Labels) ToTensors()
    {
        int n = Count, cols = FeatureLayout.Columns;
        var packed = new int[(long)n * cols];
        for (int c = 0; c < cols; c++)
        {
            var src = Columns[c];
            for (int i = 0; i < n; i++) packed[(long)i * cols + c] = src[i];
        }
        return (torch.tensor(packed, new long[] { n, cols }, dtype: int32), torch.tensor(Labels, dtype: float32));
    }
}
