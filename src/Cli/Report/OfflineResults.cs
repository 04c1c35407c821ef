using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Cli.Report;

/// <summary>Per-member values of one top-k metric as summarised in metrics.json (the values themselves are not written).</summary>
public sealed record OfflineDistribution(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("undefined")] int Undefined,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("q1")] double Q1,
    [property: JsonPropertyName("median")] double Median,
    [property: JsonPropertyName("q3")] double Q3,
    [property: JsonPropertyName("max")] double Max);

/// <summary>The seed's per-member top-k metrics at one k.</summary>
public sealed record OfflineTopK(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("accuracy")] OfflineDistribution Accuracy,
    [property: JsonPropertyName("precision")] OfflineDistribution Precision,
    [property: JsonPropertyName("recall")] OfflineDistribution Recall,
    [property: JsonPropertyName("f1")] OfflineDistribution F1,
    [property: JsonPropertyName("auc")] OfflineDistribution Auc)
{
    public static readonly string[] MetricNames = ["accuracy", "precision", "recall", "f1", "auc"];

    public OfflineDistribution this[string metric] => metric switch
    {
        "accuracy" => Accuracy, "precision" => Precision, "recall" => Recall, "f1" => F1, "auc" => Auc,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a top-k metric"),
    };
}

/// <summary>A model's test metrics (the Evaluation record of src/Model, as metrics.json spells it).</summary>
public sealed record OfflineEvaluation(
    [property: JsonPropertyName("examples")] int Examples,
    [property: JsonPropertyName("members")] int Members,
    [property: JsonPropertyName("rmse")] double Rmse,
    [property: JsonPropertyName("mae")] double Mae,
    [property: JsonPropertyName("log_loss")] double LogLoss,
    [property: JsonPropertyName("auc")] double Auc,
    [property: JsonPropertyName("mean_member_auc")] double MeanMemberAuc,
    [property: JsonPropertyName("members_with_auc")] int MembersWithAuc,
    [property: JsonPropertyName("top_k")] IReadOnlyDictionary<int, OfflineTopK> TopK);

/// <summary>One model's test evaluation as `kkbox offline` wrote it into metrics.json.</summary>
public sealed record OfflineModel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("test")] OfflineEvaluation Test,
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
