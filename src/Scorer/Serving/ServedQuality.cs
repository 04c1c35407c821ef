using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// Quality of what was served: for each labeled listen, was its song in the member's list that was
/// in Redis when the listen was produced (the "discover" list for listens from the discover tab,
/// else the "usual" list)? Counted at SmallK and at the whole list, over all labeled listens and over
/// replays (target 1) only. Keeps the current and the previous list per member, so a list written
/// after the listen (the consumer runs behind) does not count; listens with no list served before
/// them are counted as not served. Beside each served list, the shadow baselines (when given) are
/// judged on the same listens at SmallK: the ratio of the two hit rates is what the model adds over
/// popularity. Single-threaded.
/// </summary>
public sealed class ServedQuality(int smallK = 10, IShadowLists? shadows = null)
{
    readonly Dictionary<(string Msno, string Context), (Served Current, Served? Previous)> _served = new();

    public int SmallK { get; } = smallK;

    public long Labeled { get; private set; }
    public long NotServed { get; private set; }
    public long Observed { get; private set; }
    public long HitsAtSmallK { get; private set; }
    public long HitsAtList { get; private set; }
    public long Replays { get; private set; }
    public long ReplayHitsAtSmallK { get; private set; }
    public long ReplayHitsAtList { get; private set; }
    /// <summary>Observed listens whose served list was a popular (cold-start) list.</summary>
    public long ObservedPopular { get; private set; }
    public long ShadowPopularHits { get; private set; }
    public long ShadowMostPlayedHits { get; private set; }
    /// <summary>The same over the observed listens whose served list was a model list (served and shadow differ only there).</summary>
    public long ModelHitsAtSmallK { get; private set; }
    public long ModelShadowPopularHits { get; private set; }

    public void Serve(RecommendationList list)
    {
        var served = new Served(list.ComputedAtMs, list.Items.Select(i => i.SongId).ToArray(), list.Source == ListSources.Popular);
        var key = (list.Msno, list.Context);
        _served[key] = _served.TryGetValue(key, out var old) ? (served, old.Current) : (served, null);
    }

    public void Observe(ListenRecorded listen)
    {
        if (!listen.HasLabel) return;
        Labeled++;
        string context = listen.SourceSystemTab == ServingContexts.Discover ? ServingContexts.Discover : ServingContexts.Usual;
        if (!_served.TryGetValue((listen.Msno, context), out var lists)) { NotServed++; return; }
        var list = lists.Current.AtMs <= listen.ProducedAtMs ? lists.Current
            : lists.Previous is { } p && p.AtMs <= listen.ProducedAtMs ? p : null;
        if (list is null) { NotServed++; return; }
        Observed++;
        if (list.Popular) ObservedPopular++;
        int at = Array.IndexOf(list.Songs, listen.SongId);
        bool hitSmall = at >= 0 && at < SmallK, hitList = at >= 0;
        if (shadows is not null)
        {
            var shadow = shadows.Hits(listen, context, SmallK);
            if (shadow.Popular) ShadowPopularHits++;
            if (shadow.MostPlayed) ShadowMostPlayedHits++;
            if (!list.Popular && shadow.Popular) ModelShadowPopularHits++;
        }
        if (!list.Popular && hitSmall) ModelHitsAtSmallK++;
        if (hitSmall) HitsAtSmallK++;
        if (hitList) HitsAtList++;
        if (listen.Target != 1) return;
        Replays++;
        if (hitSmall) ReplayHitsAtSmallK++;
        if (hitList) ReplayHitsAtList++;
    }

    public ServedMetrics Snapshot(long modelVersion, int listSize, long nowMs, IReadOnlyDictionary<string, double> freshness) => new(
        "scorer", nowMs, modelVersion, SmallK, listSize, Labeled, Observed, NotServed,
        Rate(HitsAtSmallK, Observed), Rate(HitsAtList, Observed), Replays, Rate(ReplayHitsAtSmallK, Replays), Rate(ReplayHitsAtList, Replays),
        freshness.GetValueOrDefault("p50"), freshness.GetValueOrDefault("p95"), freshness.GetValueOrDefault("max"),
        ObservedPopular, shadows is null ? null : Rate(ShadowPopularHits, Observed), shadows is null ? null : Rate(ShadowMostPlayedHits, Observed),
        Rate(ModelHitsAtSmallK, Observed - ObservedPopular), shadows is null ? null : Rate(ModelShadowPopularHits, Observed - ObservedPopular));

    static double? Rate(long hits, long n) => n == 0 ? null : (double)hits / n;

    sealed record Served(long AtMs, string[] Songs, bool Popular);
}
