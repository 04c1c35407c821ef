namespace KkboxNcf.Scorer.Serving;

/// <summary>Latency samples in ms (a bounded reservoir: uniform over everything recorded) with percentiles. Thread-safe.</summary>
public sealed class LatencySamples(int capacity = 200_000)
{
    readonly List<double> _samples = new();
    readonly Random _random = new(1);
    readonly Lock _lock = new();
    long _count;
    double _max;

    public long Count { get { lock (_lock) return _count; } }

    public void Record(double ms)
    {
        lock (_lock)
        {
            _count++;
            _max = Math.Max(_max, ms);
            if (_samples.Count < capacity) _samples.Add(ms);
            else
            {
                long j = _random.NextInt64(_count);
                if (j < capacity) _samples[(int)j] = ms;
            }
        }
    }

    /// <summary>p50, p95, p99 and max (empty when nothing was recorded).</summary>
    public IReadOnlyDictionary<string, double> Summary()
    {
        lock (_lock)
        {
            if (_samples.Count == 0) return new Dictionary<string, double>();
            var sorted = _samples.Order().ToArray();
            double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            return new Dictionary<string, double> { ["p50"] = P(0.5), ["p95"] = P(0.95), ["p99"] = P(0.99), ["max"] = _max, ["count"] = _count };
        }
    }
}
