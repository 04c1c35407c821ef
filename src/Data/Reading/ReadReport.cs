using System.Text;

namespace KkboxNcf.Data;

/// <summary>What happened while reading one file: rows seen, rows accepted, rejects by reason.</summary>
public sealed class FileReadStats(string file)
{
    readonly Dictionary<string, long> _rejects = new(StringComparer.Ordinal);

    public string File { get; } = file;
    /// <summary>Data rows seen (header excluded), accepted or not.</summary>
    public long Rows { get; internal set; }
    public long Accepted { get; internal set; }
    public long Rejected => Rows - Accepted;
    /// <summary>The file's last line had no line break: it may have been cut off (it is still read if valid).</summary>
    public bool LastLineUnterminated { get; internal set; }
    public IReadOnlyDictionary<string, long> RejectsByReason => _rejects;

    internal void CountReject(string reason) =>
        _rejects[reason] = _rejects.GetValueOrDefault(reason) + 1;
}

/// <summary>
/// The outcome of reading one or more KKBOX files: per-file counts, rejects by reason, and the
/// rejects file where each rejected row is kept with its file and line number. Readers never drop a
/// row silently: every row is either accepted or passes through Reject. Thread-safe.
/// </summary>
public sealed class ReadReport(RejectSink? sink = null)
{
    readonly object _gate = new();
    readonly List<FileReadStats> _files = new();

    public RejectSink? Sink { get; } = sink;

    public IReadOnlyList<FileReadStats> Files { get { lock (_gate) return _files.ToArray(); } }

    public long TotalRejected { get { lock (_gate) return _files.Sum(f => f.Rejected); } }

    /// <summary>Stats of a file, created on first use. Reading the same file twice adds to the same entry.</summary>
    public FileReadStats For(string file)
    {
        lock (_gate)
        {
            var stats = _files.FirstOrDefault(f => f.File == file);
            if (stats is null) _files.Add(stats = new FileReadStats(file));
            return stats;
        }
    }

    /// <summary>Counts a rejected row under its reason and writes it to the rejects file (rawIsPartial: raw is only the row's start).</summary>
    public void Reject(FileReadStats stats, long line, long row, string reason, ReadOnlySpan<byte> raw, bool rawIsPartial = false)
    {
        lock (_gate) { stats.Rows++; stats.CountReject(reason); }
        Sink?.Write(stats.File, line, row, reason, raw, rawIsPartial);
    }

    /// <summary>Readers count accepted rows locally and add them when a file is done (a lock per row would cost more than the parse).</summary>
    internal void AddAccepted(FileReadStats stats, long count)
    {
        lock (_gate) { stats.Rows += count; stats.Accepted += count; }
    }

    /// <summary>A few lines for people: per file rows/accepted/rejected, reasons, where the rejects are.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        foreach (var f in Files)
        {
            sb.Append($"{f.File}: {f.Rows:N0} rows, {f.Accepted:N0} accepted, {f.Rejected:N0} rejected");
            if (f.LastLineUnterminated) sb.Append(" (last line had no line break: possibly cut off)");
            sb.AppendLine();
            foreach (var (reason, n) in f.RejectsByReason.OrderByDescending(kv => kv.Value))
                sb.AppendLine($"  {n,12:N0}  {reason}");
        }
        if (TotalRejected > 0)
            sb.AppendLine(Sink is null ? "rejected rows were counted but not kept (no rejects file given)" : $"rejected rows: {Sink.Path}");
        return sb.ToString();
    }
}
