using System.Text.Json;
using System.Text.Json.Serialization;

using KkboxNcf.Model.Metrics;

namespace KkboxNcf.Cli.Report;

// A model's test metrics are read back into src/Model's own Evaluation records, so the report and
// `kkbox offline` cannot drift apart on metrics.json's field names.

/// <summary>One model's test evaluation as `kkbox offline` wrote it into metrics.json.</summary>
public sealed record OfflineModel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("test")] Evaluation Test,
    [property: JsonPropertyName("train_seconds")] double TrainSeconds,
    [property: JsonPropertyName("settings")] string? Settings);

/// <summary>Example counts of the offline split (train / validation / test, in that time order for a time split).</summary>
public sealed record OfflineSplitSizes(
    [property: JsonPropertyName("train")] int Train,
    [property: JsonPropertyName("valid")] int Valid,
    [property: JsonPropertyName("test")] int Test)
{
    /// <summary>Labelled listens the split was cut from: one pass of the stream's labelled events.</summary>
    [JsonIgnore] public long Total => (long)Train + Valid + Test;
}

/// <summary>The parts of `kkbox offline`'s metrics.json the report uses.</summary>
public sealed record OfflineResults(
    [property: JsonPropertyName("data")] string? Data,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("examples")] OfflineSplitSizes Examples,
    [property: JsonPropertyName("models")] IReadOnlyList<OfflineModel> Models,
    [property: JsonPropertyName("best_reachable")] OfflineModel? BestReachable)
{
    /// <summary>The same options `kkbox offline` writes with: NaN is spelled "NaN".</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNameCaseInsensitive = false,
    };

    public OfflineModel? Find(string name) => Models.FirstOrDefault(m => m.Name == name);

    /// <summary>Reads DIR/metrics.json (or the file itself); a clear error when it is missing or not the offline format.</summary>
    public static OfflineResults Load(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, "metrics.json") : path;
        if (!File.Exists(file)) throw new ReportInputException($"--offline: no {file} (expected the folder `kkbox offline --out` wrote)");
        OfflineResults? r;
        try { r = JsonSerializer.Deserialize<OfflineResults>(File.ReadAllText(file), Json); }
        catch (JsonException e) { throw new ReportInputException($"{file}: not the metrics.json of `kkbox offline` ({e.Message})"); }
        if (r?.Models is null || r.Examples is null || r.Models.Any(m => m.Test is null))
            throw new ReportInputException($"{file}: not the metrics.json of `kkbox offline` (no models or examples)");
        return r;
    }
}
