using KkboxNcf.Hosting;

namespace KkboxNcf.Ingest;

/// <summary>The "Ingest" configuration section (environment: Ingest__DataDirectory, ...).</summary>
public sealed class IngestSettings : ISettings
{
    public static string Section => "Ingest";

    /// <summary>Folder with the KKBOX files (train.csv required; members, songs, song_extra_info, test optional).</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Events per second; 0 = as fast as the broker takes them.</summary>
    public double Rate { get; set; }

    /// <summary>Pause while LagGroup is more than this many listens behind; 0 = never pause.</summary>
    public long MaxLag { get; set; }

    /// <summary>The consumer group whose lag paces the replay (the Trainer's).</summary>
    public string LagGroup { get; set; } = "kkbox-trainer";

    /// <summary>
    /// First train row to replay (1-based). Unset: resume from what the topics already hold (nothing:
    /// from row 1), so a restarted Ingest continues without a gap or a duplicate.
    /// </summary>
    public long? FromRow { get; set; }

    /// <summary>Also replay test.csv after train.csv, as unlabeled listens (rows continue after train's last).</summary>
    public bool IncludeTest { get; set; }

    /// <summary>Where rejected CSV rows and failed deliveries are kept (JSON lines); default under the data folder's parent.</summary>
    public string? RejectsPath { get; set; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "Ingest:DataDirectory is required (--data DIR)";
        else if (!Directory.Exists(DataDirectory)) yield return $"Ingest:DataDirectory '{DataDirectory}' does not exist";
        if (Rate < 0) yield return $"Ingest:Rate must be 0 (unlimited) or positive, got {Rate}";
        if (MaxLag < 0) yield return $"Ingest:MaxLag must be 0 (off) or positive, got {MaxLag}";
        if (FromRow is < 1) yield return $"Ingest:FromRow must be at least 1, got {FromRow}";
        if (string.IsNullOrWhiteSpace(LagGroup)) yield return "Ingest:LagGroup must name a consumer group";
        if (RejectsPath is { } rejects && string.IsNullOrWhiteSpace(rejects)) yield return "Ingest:RejectsPath must be a file path when set";
    }
}
