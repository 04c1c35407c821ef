using KkboxNcf.Scorer.Serving;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// The Scorer's served-quality lines. Each file is one Scorer instance (each scores its own
/// partitions and counts its own listens); the totals add the instances' last lines, weighting
/// their rates by the listens they observed.
/// </summary>
public sealed record ServedRun(IReadOnlyList<(string File, IReadOnlyList<ServedMetrics> Lines)> Instances)
{
    public IEnumerable<ServedMetrics> LastLines => Instances.Select(i => i.Lines[^1]);

    public int K => LastLines.First().K;
    public int ListSize => LastLines.Max(l => l.ListSize);
    public long Labeled => LastLines.Sum(l => l.Labeled);
    public long Observed => LastLines.Sum(l => l.Observed);
    public long NotServed => LastLines.Sum(l => l.NotServed);
    public long Replays => LastLines.Sum(l => l.Replays);
    public double? HitRateAtK => Weighted(l => l.HitRateAtK, l => l.Observed);
    public double? HitRateAtList => Weighted(l => l.HitRateAtList, l => l.Observed);
    public double? ReplayHitRateAtK => Weighted(l => l.ReplayHitRateAtK, l => l.Replays);
    public double? ReplayHitRateAtList => Weighted(l => l.ReplayHitRateAtList, l => l.Replays);
    public long ObservedPopular => LastLines.Sum(l => l.ObservedPopular);
    public double? ShadowPopularHitRateAtK => Weighted(l => l.ShadowPopularHitRateAtK, l => l.Observed);
    public double? ShadowMostPlayedHitRateAtK => Weighted(l => l.ShadowMostPlayedHitRateAtK, l => l.Observed);
    public double? ModelHitRateAtK => Weighted(l => l.ModelHitRateAtK, l => l.Observed - l.ObservedPopular);
    public double? ModelShadowPopularHitRateAtK => Weighted(l => l.ModelShadowPopularHitRateAtK, l => l.Observed - l.ObservedPopular);

    /// <summary>Freshness of the instance with the most samples (percentiles of separate instances do not add up).</summary>
    public ServedMetrics Freshness => LastLines.MaxBy(l => l.Observed)!;

    double? Weighted(Func<ServedMetrics, double?> rate, Func<ServedMetrics, long> n)
    {
        double hits = 0;
        long total = 0;
        foreach (var l in LastLines)
            if (rate(l) is { } r) { hits += r * n(l); total += n(l); }
        return total == 0 ? null : hits / total;
    }

    public static ServedRun? From(MetricsLines lines) =>
        lines.Scorer.Count == 0 ? null : new ServedRun(lines.Scorer.Select(s => (s.File, (IReadOnlyList<ServedMetrics>)s.Lines)).ToList());
}
