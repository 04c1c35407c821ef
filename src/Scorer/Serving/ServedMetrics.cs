using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// One line of the Scorer's metrics (JSON; on the metrics topic with key "scorer", beside the
/// Trainer's lines with key "trainer", and in Scorer:MetricsFile when set). hit_rate_at_k: share of
/// labeled listens (with a list served before them) whose song was in the top k of that list;
/// replay_*: the same over replays (target 1) only. freshness_ms_*: produce-to-list-in-Redis of
/// listens re-scored by the fresh path since the Scorer started. observed_popular: observed listens
/// whose served list was a popular (cold-start) list. shadow_*_hit_rate_at_k: on the same observed
/// listens, the top-k hit rate of the popular list of the listen's serving context (popular) and of
/// the most played songs (most_played), computed beside the served lists and never written.
/// model_*: hit rate at k of the served lists, and of the shadow popular list, over the observed
/// listens whose served list was a model list only (where the two can differ).
/// </summary>
public sealed record ServedMetrics(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("time_ms")] long TimeMs,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("list_size")] int ListSize,
    [property: JsonPropertyName("labeled")] long Labeled,
    [property: JsonPropertyName("observed")] long Observed,
    [property: JsonPropertyName("not_served")] long NotServed,
    [property: JsonPropertyName("hit_rate_at_k")] double? HitRateAtK,
    [property: JsonPropertyName("hit_rate_at_list")] double? HitRateAtList,
    [property: JsonPropertyName("replays")] long Replays,
    [property: JsonPropertyName("replay_hit_rate_at_k")] double? ReplayHitRateAtK,
    [property: JsonPropertyName("replay_hit_rate_at_list")] double? ReplayHitRateAtList,
    [property: JsonPropertyName("freshness_ms_p50")] double FreshnessP50,
    [property: JsonPropertyName("freshness_ms_p95")] double FreshnessP95,
    [property: JsonPropertyName("freshness_ms_max")] double FreshnessMax,
    [property: JsonPropertyName("observed_popular")] long ObservedPopular = 0,
    [property: JsonPropertyName("shadow_popular_hit_rate_at_k")] double? ShadowPopularHitRateAtK = null,
    [property: JsonPropertyName("shadow_most_played_hit_rate_at_k")] double? ShadowMostPlayedHitRateAtK = null,
    [property: JsonPropertyName("model_hit_rate_at_k")] double? ModelHitRateAtK = null,
    [property: JsonPropertyName("model_shadow_popular_hit_rate_at_k")] double? ModelShadowPopularHitRateAtK = null)
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
