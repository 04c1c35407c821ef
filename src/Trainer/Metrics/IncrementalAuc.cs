namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// ROC AUC of a growing (and, for sliding windows, shrinking) set of (score, label) pairs, exactly
/// as Metric.RocAuc computes it over the same set: the share of (positive, negative) pairs ordered
/// right, ties counting one half. Each Add or Remove costs O(log n); NaN while one class is missing.
/// </summary>
public sealed class IncrementalAuc
{
    readonly ScoreCounts _pos = new();
    readonly ScoreCounts _neg = new();
    // twice the Mann-Whitney U, kept as an integer so Add and Remove cancel exactly
    long _twiceU;

    public long Positives => _pos.Count;

    public long Negatives => _neg.Count;

    public long Count => Positives + Negatives;

    public double Value => Positives == 0 || Negatives == 0 ? double.NaN : _twiceU / (2.0 * Positives * Negatives);

    public void Add(float score, bool positive)
    {
        _twiceU += Contribution(score, positive);
        (positive ? _pos : _neg).Add(score);
    }

    public void Remove(float score, bool positive)
    {
        (positive ? _pos : _neg).Remove(score);
        _twiceU -= Contribution(score, positive);
    }

    long Contribution(float score, bool positive) => positive
        ? 2 * _neg.CountBelow(score) + _neg.CountEqual(score)
        : 2 * _pos.CountAbove(score) + _pos.CountEqual(score);

    public void Write(BinaryWriter w)
    {
        WriteScores(w, _pos);
        WriteScores(w, _neg);
    }

    /// <summary>Adds the scores Write saved (into an empty instance).</summary>
    public void ReadInto(BinaryReader r)
    {
        if (Count != 0) throw new InvalidOperationException("read into an empty AUC");
        foreach (float s in ReadScores(r)) Add(s, positive: true);
        foreach (float s in ReadScores(r)) Add(s, positive: false);
    }

    static void WriteScores(BinaryWriter w, ScoreCounts scores)
    {
        w.Write(scores.Count);
        foreach (float s in scores.Ascending()) w.Write(s);
    }

    static IEnumerable<float> ReadScores(BinaryReader r)
    {
        long n = r.ReadInt64();
        if (n < 0) throw new InvalidDataException($"negative score count {n}");
        for (long i = 0; i < n; i++) yield return r.ReadSingle();
    }
}
