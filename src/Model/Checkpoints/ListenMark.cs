using System.Text.Json.Serialization;

namespace KkboxNcf.Model.Checkpoints;

/// <summary>The last listen read from one partition: its offset there and its row (the event time).</summary>
public sealed record ListenMark(
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("row")] long Row);
