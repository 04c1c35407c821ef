using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// The Trainer's prequential metrics of one run, by stream position. The metrics file is appended
/// to: a restart that resumes from a checkpoint repeats a stretch of positions (the later lines
/// replace the earlier ones there), and a line back at the very start means a new run on the same
/// file (only the newest run is kept, and the older ones are counted).
/// </summary>
public sealed record OnlineRun(string File, IReadOnlyList<MetricsSnapshot> Points, int EarlierRunsIgnored, int Resumes)
{
    public MetricsSnapshot Last => Points[^1];

    public static OnlineRun? From(MetricsLines lines)
    {
        if (lines.Trainer.Count == 0) return null;
        // several Trainer files: the one that went furthest is the run being reported
        var (file, raw) = lines.Trainer.MaxBy(t => t.Lines.Max(l => l.Position));
        var points = new List<MetricsSnapshot>();
        int earlier = 0, resumes = 0;
        long firstPosition = raw[0].Position;
        foreach (var s in raw)
        {
            if (points.Count > 0 && s.Position < points[^1].Position)
            {
                if (s.Position <= firstPosition) { earlier++; points.Clear(); }
                else { resumes++; points.RemoveAll(p => p.Position >= s.Position); }
            }
            points.Add(s);
        }
        return new OnlineRun(file, points, earlier, resumes);
    }

    /// <summary>The first point at which `labeled` labelled events were scored (null when the run never got there).</summary>
    public MetricsSnapshot? AtLabeled(long labeled) => Points.FirstOrDefault(p => p.Labeled >= labeled);
}
