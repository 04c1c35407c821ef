using System.Text.Json;
using System.Text.Json.Serialization;
using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// One line of the Trainer's metrics (JSON; the metrics file holds one per line and the metrics
/// topic one per message): the online metrics at a stream position. Undefined values are null.
/// Cumulative values cover every labeled event so far; window_* the last window_size labeled events.
/// Latencies: ProducedAtMs of an event to the end of the training step that used it.
/// </summary>
public sealed record MetricsSnapshot(
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("trained")] long Trained,
    [property: JsonPropertyName("labeled")] long Labeled,
    [property: JsonPropertyName("unlabeled")] long Unlabeled,
    [property: JsonPropertyName("pending")] int Pending,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("time_ms")] long TimeMs,
    [property: JsonPropertyName("auc")] double? Auc,
    [property: JsonPropertyName("log_loss")] double? LogLoss,
    [property: JsonPropertyName("accuracy")] double? Accuracy,
    [property: JsonPropertyName("member_auc")] double? MemberAuc,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("window_size")] int WindowSize,
    [property: JsonPropertyName("window_events")] long WindowEvents,
    [property: JsonPropertyName("window_auc")] double? WindowAuc,
    [property: JsonPropertyName("window_log_loss")] double? WindowLogLoss,
    [property: JsonPropertyName("window_accuracy")] double? WindowAccuracy,
    [property: JsonPropertyName("window_member_auc")] double? WindowMemberAuc,
    [property: JsonPropertyName("window_members")] int WindowMembers,
    [property: JsonPropertyName("latency_ms_p50")] double? LatencyP50,
    [property: JsonPropertyName("latency_ms_p95")] double? LatencyP95,
    [property: JsonPropertyName("latency_ms_p99")] double? LatencyP99,
    [property: JsonPropertyName("latency_ms_max")] double? LatencyMax,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("songs")] int Songs,
    [property: JsonPropertyName("recycled_users")] long RecycledUsers,
    [property: JsonPropertyName("recycled_songs")] long RecycledSongs,
    [property: JsonPropertyName("catalog_members")] int CatalogMembers,
    [property: JsonPropertyName("catalog_songs")] int CatalogSongs,
    [property: JsonPropertyName("catalog_song_extras")] int CatalogSongExtras,
    [property: JsonPropertyName("dead_letters")] long DeadLetters,
    [property: JsonPropertyName("events_per_second")] double? EventsPerSecond)
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static MetricsSnapshot Of(OnlineTrainer t, long modelVersion, long deadLetters, double eventsPerSecond, long nowMs)
    {
        var c = t.Metrics.Cumulative;
        var w = t.Metrics.Window;
        var users = t.Space[KkboxNcf.Model.Features.Field.User].Count - 1;
        var songs = t.Space[KkboxNcf.Model.Features.Field.Song].Count - 1;
        return new MetricsSnapshot(t.Position, t.Trained, c.Events, t.Unlabeled, t.Pending, modelVersion, nowMs,
            N(c.Auc), N(c.LogLoss), N(c.Accuracy), N(c.MemberAuc), c.Members,
            t.Metrics.WindowSize, w.Events, N(w.Auc), N(w.LogLoss), N(w.Accuracy), N(w.MemberAuc), w.Members,
            N(t.Latency.Percentile(0.5)), N(t.Latency.Percentile(0.95)), N(t.Latency.Percentile(0.99)), t.Latency.Count == 0 ? null : t.Latency.MaxMs,
            users, songs, t.RecycledUsers, t.RecycledSongs, t.Catalog.Members, t.Catalog.Songs, t.Catalog.SongExtras, deadLetters, N(eventsPerSecond));
    }

    static double? N(double v) => double.IsFinite(v) ? v : null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static MetricsSnapshot? FromJson(string line) => JsonSerializer.Deserialize<MetricsSnapshot>(line, Json);

    /// <summary>The headline values carried by CheckpointPublished and the manifest (NaN when undefined).</summary>
    public IReadOnlyDictionary<string, double> Headline() => new Dictionary<string, double>
    {
        ["auc"] = Auc ?? double.NaN,
        ["log_loss"] = LogLoss ?? double.NaN,
        ["accuracy"] = Accuracy ?? double.NaN,
        ["member_auc"] = MemberAuc ?? double.NaN,
        ["window_auc"] = WindowAuc ?? double.NaN,
        ["window_log_loss"] = WindowLogLoss ?? double.NaN,
        ["window_accuracy"] = WindowAccuracy ?? double.NaN,
        ["window_member_auc"] = WindowMemberAuc ?? double.NaN,
        ["latency_ms_p50"] = LatencyP50 ?? double.NaN,
        ["latency_ms_p95"] = LatencyP95 ?? double.NaN,
    };
}
