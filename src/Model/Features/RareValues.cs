namespace KkboxNcf.Model.Features;

/// <summary>
/// A vocabulary cut to the training rows: per single-valued field, the rows seen at least MinCount
/// times in the training examples keep their row; every other row (rare, or never seen in training,
/// e.g. a song that is only in songs.csv) becomes the unknown row. Trained on rare values, the unknown
/// row learns what a barely known member or song is like, so a cold validation or test row gets that
/// learnt row and its metadata instead of an embedding that was never trained.
/// </summary>
public sealed class RareValues
{
    readonly HashSet<int>[] _kept;

    RareValues(int minCount, HashSet<int>[] kept)
    {
        MinCount = minCount;
        _kept = kept;
    }

    public int MinCount { get; }

    /// <summary>Counts each field's rows over train; minCount 1 keeps every row seen in training.</summary>
    public static RareValues Fit(EncodedDataset train, int minCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var kept = new HashSet<int>[FeatureLayout.SingleFieldCount];
        for (int c = 0; c < kept.Length; c++)
        {
            var counts = new Dictionary<int, int>();
            foreach (int row in train.Columns[c]) counts[row] = counts.GetValueOrDefault(row) + 1;
            kept[c] = counts.Where(kv => kv.Value >= minCount).Select(kv => kv.Key).ToHashSet();
        }
        return new RareValues(minCount, kept);
    }

    /// <summary>Rows of a field that keep their own embedding (the unknown row always does).</summary>
    public int KeptRows(Field f) => _kept[(int)f].Count(r => r != Vocabulary.UnknownRow);

    /// <summary>A copy of data with every row not kept set to the unknown row (genre columns unchanged).</summary>
    public EncodedDataset Apply(EncodedDataset data)
    {
        var result = data.Select(Enumerable.Range(0, data.Count).ToArray());
        for (int c = 0; c < _kept.Length; c++)
        {
            var column = result.Columns[c];
            for (int i = 0; i < column.Length; i++)
                if (!_kept[c].Contains(column[i])) column[i] = Vocabulary.UnknownRow;
        }
        return result;
    }

    /// <summary>How many examples of data have a value of the field that Apply maps to the unknown row (missing values not counted).</summary>
    public long Mapped(EncodedDataset data, Field f) => data.Column(f).LongCount(r => r != Vocabulary.UnknownRow && !_kept[(int)f].Contains(r));
}
