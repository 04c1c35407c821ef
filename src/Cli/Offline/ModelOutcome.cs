using System.Text.Json.Serialization;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Training;

namespace KkboxNcf.Cli.Offline;

/// <summary>One model's test evaluation and how it was trained ("truth" = the generator's true probabilities).</summary>
public sealed record ModelOutcome(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("test")] Evaluation Test,
    [property: JsonPropertyName("epochs")] IReadOnlyList<EpochResult> Epochs,
    [property: JsonPropertyName("train_seconds")] double TrainSeconds,
    [property: JsonPropertyName("settings")] string Settings);
