using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Model.Checkpoints;

/// <summary>
/// What a checkpoint is, readable without loading the model (JSON, the "manifest" section): its
/// version, the stream position (events trained on), the next offset to consume per partition of
/// the listens topic, the online metrics at that point and when it was written. LastListens (absent in
/// older checkpoints) names, per partition, the last listen read: a restart checks that the broker still
/// holds it, and --rebase uses its row to skip what was trained when the topic was replayed again.
/// </summary>
public sealed record CheckpointManifest(
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("offsets")] IReadOnlyDictionary<int, long> Offsets,
    [property: JsonPropertyName("stream_position")] long StreamPosition,
    [property: JsonPropertyName("events_trained")] long EventsTrained,
    [property: JsonPropertyName("events_pending")] int EventsPending,
    [property: JsonPropertyName("model_kind")] string ModelKind,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics,
    [property: JsonPropertyName("created_at_ms")] long CreatedAtMs,
    [property: JsonPropertyName("last_listens")] IReadOnlyDictionary<int, ListenMark>? LastListens = null)
{
    public const string SectionName = "manifest";

    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public void Write(Stream stream) => JsonSerializer.Serialize(stream, this, Json);

    public static CheckpointManifest Read(Stream stream) =>
        JsonSerializer.Deserialize<CheckpointManifest>(stream, Json) ?? throw new InvalidDataException("empty manifest");
}
