namespace KkboxNcf.Ingest;

/// <summary>
/// What a replay did. Every event sent (listens and metadata) is either delivered or failed (kept with
/// its row in FailuresPath); rows after LastRowSent were not sent when the replay stopped early.
/// </summary>
public sealed record ReplaySummary(
    long ListensSent,
    long EventsSent,
    long Delivered,
    long Failed,
    long MembersSent,
    long SongsSent,
    long SongExtrasSent,
    long LastRowSent,
    long RowsRejected,
    TimeSpan Elapsed,
    TimeSpan Preparing,
    TimeSpan PausedForLag,
    bool Completed,
    string FailuresPath,
    string RejectsPath)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? ListensSent / Elapsed.TotalSeconds : 0;
}
