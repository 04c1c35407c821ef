using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Contracts.Serving;

/// <summary>One recommended song and its score: the full NCF's probability of a replay in a model list, the song's recent play count in a popular list.</summary>
public sealed record RecommendedSong(
    [property: JsonPropertyName("song_id")] string SongId,
    [property: JsonPropertyName("score")] float Score);

/// <summary>
/// What one Redis list key holds: a member's whole top-k list for one serving context, computed by
/// one model version at one time. A single SET replaces it whole, so a reader never sees a list
/// mixing two models. Context is the serving context's name; Tab, Screen and Type are the listening
/// context the list was scored in. FreshAsOfMs is the ProducedAtMs of the newest listen of the member
/// that the list reflects (0 when none): the freshness benchmark measures produce-to-list with it.
/// Source says what ranked the songs: "model" (the NCF of ModelVersion) or "popular" (the songs most
/// played recently in the list's source tab, for members the model does not know or before the first
/// checkpoint; ModelVersion is then the model in use when it was written, 0 when none).
/// </summary>
public sealed record RecommendationList(
    [property: JsonPropertyName("msno")] string Msno,
    [property: JsonPropertyName("model_version")] long ModelVersion,
    [property: JsonPropertyName("context")] string Context,
    [property: JsonPropertyName("tab")] string Tab,
    [property: JsonPropertyName("screen")] string Screen,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("computed_at_ms")] long ComputedAtMs,
    [property: JsonPropertyName("fresh_as_of_ms")] long FreshAsOfMs,
    [property: JsonPropertyName("items")] IReadOnlyList<RecommendedSong> Items)
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>ListSources.Model or ListSources.Popular; a stored list without the field is a model list.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = ListSources.Model;

    /// <summary>
    /// The stored JSON, written field by field (the Scorer serialises tens of thousands of lists per
    /// refresh, inside its Redis writes). Ids are base64 ('+', '/', '='): the relaxed encoder leaves
    /// them as they are where the default one would write '+' as \u002B (larger values, slower
    /// writes); what JSON requires (quotes, backslashes, control characters) is still escaped. The
    /// writer and its buffer are reused per thread.
    /// </summary>
    public byte[] ToUtf8()
    {
        var (buffer, w) = _writer ??= NewWriter();
        buffer.ResetWrittenCount();
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("msno", Msno);
        w.WriteNumber("model_version", ModelVersion);
        w.WriteString("context", Context);
        w.WriteString("tab", Tab);
        w.WriteString("screen", Screen);
        w.WriteString("type", Type);
        w.WriteNumber("computed_at_ms", ComputedAtMs);
        w.WriteNumber("fresh_as_of_ms", FreshAsOfMs);
        w.WriteString("source", Source);
        w.WriteStartArray("items");
        foreach (var item in Items)
        {
            w.WriteStartObject();
            w.WriteString("song_id", item.SongId);
            WriteScore(w, item.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A score with 9 decimals, formatted as integers: a float's shortest round-trip formatting cost
    /// more than all the rest of a list's JSON. 9 decimals hold a probability to more digits than a
    /// float has, and a popular song's share of the listens to 4 or more significant digits.
    /// </summary>
    static void WriteScore(Utf8JsonWriter w, float score)
    {
        if (!float.IsFinite(score) || Math.Abs(score) >= 1e9f)
        {
            w.WriteNumber("score", score);
            return;
        }
        long nano = (long)Math.Round(score * 1e9d);
        Span<byte> text = stackalloc byte[32];
        int at = 0;
        if (nano < 0)
        {
            text[at++] = (byte)'-';
            nano = -nano;
        }
        System.Buffers.Text.Utf8Formatter.TryFormat(nano / 1_000_000_000, text[at..], out int n);
        at += n;
        text[at++] = (byte)'.';
        System.Buffers.Text.Utf8Formatter.TryFormat(nano % 1_000_000_000, text[at..], out n, new System.Buffers.StandardFormat('D', 9));
        at += n;
        w.WritePropertyName("score");
        w.WriteRawValue(text[..at], skipInputValidation: true);
    }

    [ThreadStatic]
    static (System.Buffers.ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _writer;

    static (System.Buffers.ArrayBufferWriter<byte>, Utf8JsonWriter) NewWriter()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(8192);
        return (buffer, new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Parses a stored list; throws FormatException naming the problem when the value is not one.</summary>
    public static RecommendationList Parse(ReadOnlySpan<byte> utf8)
    {
        RecommendationList? list;
        try
        {
            list = JsonSerializer.Deserialize<RecommendationList>(utf8, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a recommendation list: {e.Message}", e);
        }
        if (list is null || list.Items is null || list.Msno is null || list.Context is null || list.Source is null)
            throw new FormatException("not a recommendation list: fields missing");
        return list;
    }

    /// <summary>The first k songs (all when k is larger).</summary>
    public RecommendationList Top(int k) => k >= Items.Count ? this : this with { Items = Items.Take(k).ToArray() };
}
