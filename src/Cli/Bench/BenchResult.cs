using System.Text.Json;
using System.Text.Json.Serialization;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// One benchmark's outcome, written to bench-results/NAME.json. The reference is measured in the
/// same run on the same machine; ratio = value / reference_value. HigherIsBetter says which way the
/// target points (throughput: true; latency, memory, seconds: false).
/// </summary>
public sealed record BenchResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("reference_value")] double ReferenceValue,
    [property: JsonPropertyName("target")] double Target,
    [property: JsonPropertyName("higher_is_better")] bool HigherIsBetter = true,
    [property: JsonPropertyName("details")] Dictionary<string, object>? Details = null)
{
    [JsonPropertyName("ratio")]
    public double Ratio => ReferenceValue == 0 ? 0 : Value / ReferenceValue;

    [JsonPropertyName("target_met")]
    public bool TargetMet => HigherIsBetter ? Value >= Target : Value <= Target;

    [JsonPropertyName("machine")]
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";

    [JsonPropertyName("measured_at")]
    public DateTimeOffset MeasuredAt { get; init; } = DateTimeOffset.UtcNow;

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes bench-results/NAME.json and prints the one summary line.</summary>
    public string Write(string directory = "bench-results")
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, Name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        Console.WriteLine(SummaryLine());
        return path;
    }

    public string SummaryLine() =>
        $"bench {Name}: {Value:G4} {Unit} (reference {Reference}: {ReferenceValue:G4}; ratio {Ratio:F2}; " +
        $"target {(HigherIsBetter ? ">=" : "<=")} {Target:G4}: {(TargetMet ? "met" : "MISSED")})";
}
