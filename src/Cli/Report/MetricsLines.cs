using System.Text.Json;
using KkboxNcf.Scorer.Serving;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// The JSON lines of the online run: the Trainer's MetricsSnapshot lines (its metrics.jsonl) and the
/// Scorer's ServedMetrics lines ("source":"scorer", its Scorer:MetricsFile), told apart line by line,
/// so one folder or one file holding both works. Lines that are neither (or broken, e.g. the last
/// line of a file still being written) are counted with their place, never dropped silently.
/// </summary>
public sealed class MetricsLines
{
    static readonly JsonSerializerOptions Json = new();

    /// <summary>Trainer snapshots per file, in file order.</summary>
    public List<(string File, List<MetricsSnapshot> Lines)> Trainer { get; } = new();

    /// <summary>Scorer lines per file (one file per Scorer instance).</summary>
    public List<(string File, List<ServedMetrics> Lines)> Scorer { get; } = new();

    public List<string> Files { get; } = new();
    public long Skipped { get; private set; }
    public string? FirstSkipped { get; private set; }

    /// <summary>Reads files and every *.jsonl under folders (comma-separated list).</summary>
    public static MetricsLines Load(IEnumerable<string> paths)
    {
        var result = new MetricsLines();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.GetFiles(path, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new ReportInputException($"--online: folder {path} holds no *.jsonl metrics file");
                files.ForEach(result.Read);
            }
            else if (File.Exists(path)) result.Read(path);
            else throw new ReportInputException($"--online: no file or folder {path}");
        }
        return result;
    }

    void Read(string file)
    {
        Files.Add(file);
        var trainer = new List<MetricsSnapshot>();
        var scorer = new List<ServedMetrics>();
        int number = 0;
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "scorer")
                    scorer.Add(root.Deserialize<ServedMetrics>(Json) ?? throw new JsonException("null"));
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("position", out _) && root.TryGetProperty("labeled", out _))
                    trainer.Add(root.Deserialize<MetricsSnapshot>(Json) ?? throw new JsonException("null"));
                else Skip(file, number, "neither a Trainer nor a Scorer metrics line");
            }
            catch (JsonException e) { Skip(file, number, e.Message); }
        }
        if (trainer.Count > 0) Trainer.Add((file, trainer));
        if (scorer.Count > 0) Scorer.Add((file, scorer));
    }

    void Skip(string file, int line, string why)
    {
        Skipped++;
        FirstSkipped ??= $"{file}:{line}: {why}";
    }
}
