namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// Event-to-model latencies in milliseconds (ListenRecorded.ProducedAtMs to the end of the training
/// step that used the event) in log-spaced buckets 5% wide: constant memory, percentiles within 5%.
/// </summary>
public sealed class LatencyHistogram
{
    const double Growth = 1.05;
    const int Buckets = 600; // 1.05^600 ms is far beyond any latency
    readonly long[] _counts = new long[Buckets];

    public long Count { get; private set; }

    public double MaxMs { get; private set; }

    public void Add(double ms)
    {
        ms = Math.Max(0, ms);
        int b = ms < 1 ? 0 : Math.Min(Buckets - 1, 1 + (int)(Math.Log(ms) / Math.Log(Growth)));
        _counts[b]++;
        Count++;
        MaxMs = Math.Max(MaxMs, ms);
    }

    /// <summary>The upper edge of the bucket holding the q-quantile (q in [0, 1]); NaN when empty.</summary>
    public double Percentile(double q)
    {
        if (Count == 0) return double.NaN;
        long rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (int b = 0; b < Buckets; b++)
        {
            seen += _counts[b];
            if (seen >= Math.Max(1, rank)) return Math.Min(MaxMs, b == 0 ? 1 : Math.Pow(Growth, b));
        }
        return MaxMs;
    }

    public void Write(BinaryWriter w)
    {
        w.Write(Count);
        w.Write(MaxMs);
        foreach (long c in _counts) w.Write(c);
    }

    public static LatencyHistogram Read(BinaryReader r)
    {
        var h = new LatencyHistogram { Count = r.ReadInt64(), MaxMs = r.ReadDouble() };
        for (int b = 0; b < Buckets; b++) h._counts[b] = r.ReadInt64();
        return h;
    }
}
