namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// A multiset of scores that answers "how many are below / equal to s" exactly in O(log n + bucket):
/// scores are grouped by the top 18 bits of their order-preserving bit pattern, a Fenwick tree counts
/// the buckets and each bucket keeps its scores sorted. What makes the incremental AUC exact.
/// </summary>
public sealed class ScoreCounts
{
    const int Shift = 14;
    const int Buckets = 1 << (32 - Shift);
    readonly long[] _tree = new long[Buckets + 1];
    readonly Dictionary<int, List<float>> _bucket = new();

    public long Count { get; private set; }

    public void Add(float score)
    {
        int b = BucketOf(score);
        if (!_bucket.TryGetValue(b, out var list)) _bucket[b] = list = [];
        list.Insert(UpperBound(list, score), score);
        Update(b, +1);
        Count++;
    }

    public void Remove(float score)
    {
        int b = BucketOf(score);
        int at = _bucket.TryGetValue(b, out var list) ? LowerBound(list, score) : -1;
        if (list is null || at >= list.Count || list[at] != score) throw new InvalidOperationException($"score {score} is not in the set");
        list.RemoveAt(at);
        if (list.Count == 0) _bucket.Remove(b);
        Update(b, -1);
        Count--;
    }

    /// <summary>Scores strictly below s.</summary>
    public long CountBelow(float score)
    {
        int b = BucketOf(score);
        long below = Prefix(b);
        if (_bucket.TryGetValue(b, out var list)) below += LowerBound(list, score);
        return below;
    }

    public long CountEqual(float score)
    {
        int b = BucketOf(score);
        return _bucket.TryGetValue(b, out var list) ? UpperBound(list, score) - LowerBound(list, score) : 0;
    }

    public long CountAbove(float score) => Count - CountBelow(score) - CountEqual(score);

    /// <summary>Every score, ascending.</summary>
    public IEnumerable<float> Ascending() => _bucket.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value);

    static int BucketOf(float score)
    {
        if (float.IsNaN(score)) throw new ArgumentException("a score is NaN (has the model diverged?)", nameof(score));
        if (score == 0f) score = 0f; // -0 and +0 are one score
        uint bits = BitConverter.SingleToUInt32Bits(score);
        uint key = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return (int)(key >> Shift);
    }

    // Fenwick tree over buckets: Prefix(b) = scores in buckets [0, b).
    void Update(int bucket, long delta)
    {
        for (int i = bucket + 1; i <= Buckets; i += i & -i) _tree[i] += delta;
    }

    long Prefix(int bucket)
    {
        long s = 0;
        for (int i = bucket; i > 0; i -= i & -i) s += _tree[i];
        return s;
    }

    /// <summary>First index whose value is not below x (the list is sorted).</summary>
    internal static int LowerBound(List<float> list, float x)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid] < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>First index whose value is above x (the list is sorted).</summary>
    internal static int UpperBound(List<float> list, float x)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
