using KkboxNcf.Data.Evaluation;
using KkboxNcf.Scorer.Serving;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// Every number of the report, as report.json holds it; the HTML page and report.md are drawn from
/// this alone. A section that had no input is null and its reason is in Missing.
/// </summary>
public sealed record ReportData(
    DateTimeOffset GeneratedAt,
    ReportSources Sources,
    OfflineResults? Offline,
    OnlineSection? Online,
    ServedSection? Served,
    FreshnessSection Freshness,
    TruthSection? Truth,
    IReadOnlyDictionary<string, string> Missing,
    IReadOnlyList<string> Reading);

/// <summary>Where the numbers came from, and what could not be read.</summary>
public sealed record ReportSources(string? Offline, IReadOnlyList<string> MetricsFiles, string? Data, long MetricsLinesSkipped, string? FirstSkippedLine);

/// <summary>The Trainer's prequential run: every snapshot, and the ones the reading compares.</summary>
public sealed record OnlineSection(
    string File,
    int EarlierRunsIgnored,
    int Resumes,
    int WindowSize,
    long? FirstPassLabeled,
    bool FirstPassComplete,
    MetricsSnapshot AtFirstPass,
    MetricsSnapshot Last,
    IReadOnlyList<MetricsSnapshot> Points);

/// <summary>
/// The Scorer's served quality: totals over instances, the chance level, the shadow baselines on the
/// same listens (the popular list of the listen's context, the most played songs; null when the
/// Scorer did not compute them), and each instance's lines over time.
/// </summary>
public sealed record ServedSection(
    int Instances,
    int K,
    int ListSize,
    long Labeled,
    long Observed,
    long NotServed,
    double? HitRateAtK,
    double? HitRateAtList,
    long Replays,
    double? ReplayHitRateAtK,
    double? ReplayHitRateAtList,
    long? SongsKnown,
    double? ChanceHitRateAtK,
    IReadOnlyList<ServedInstance> Series,
    long ObservedPopular = 0,
    double? ShadowPopularHitRateAtK = null,
    double? ShadowMostPlayedHitRateAtK = null,
    double? ModelHitRateAtK = null,
    double? ModelShadowPopularHitRateAtK = null)
{
    /// <summary>Served hit rate at K over the shadow popular list's on the same listens (null when either is unknown or the shadow never hit).</summary>
    public double? RatioToPopular => HitRateAtK is { } s && ShadowPopularHitRateAtK is > 0 and var p ? s / p : null;
}

public sealed record ServedInstance(string File, IReadOnlyList<ServedMetrics> Lines);

/// <summary>Latency percentiles in ms (null = not measured).</summary>
public sealed record LatencyPercentiles(double? P50, double? P95, double? P99, double? Max, string Measured);

/// <summary>Event-to-model (Trainer: produced to trained) and event-to-list (Scorer: produced to re-scored list in Redis).</summary>
public sealed record FreshnessSection(LatencyPercentiles? EventToModel, LatencyPercentiles? EventToList);

/// <summary>The generated data's best reachable AUC: over the whole replayed train.csv, test.csv, and the offline test split.</summary>
public sealed record TruthSection(bool Generated, TruthAuc? Stream, TruthAuc? TestCsv, double? OfflineTestSplit);
