namespace KkboxNcf.Contracts;

/// <summary>
/// The Kafka topics of the pipeline, their default partition counts and why.
/// Listens are keyed by member (msno) so one member's events stay in order in one partition;
/// metadata topics are compacted and keyed by id.
/// </summary>
public static class Topics
{
    public const string Listens = "kkbox.listens";
    public const string Members = "kkbox.members";
    public const string Songs = "kkbox.songs";
    public const string SongExtras = "kkbox.song-extras";
    public const string Checkpoints = "kkbox.checkpoints";
    public const string Metrics = "kkbox.metrics";
    public const string DeadLetters = "kkbox.dead-letters";

    /// <summary>Topic name and partition count, as created by the local broker (and docs for a real cluster).</summary>
    public static readonly IReadOnlyList<(string Name, int Partitions, bool Compacted)> All =
    [
        // 8 partitions: room for several Trainer/Scorer instances, and 8 x ~5 MiB of local-broker retention.
        (Listens, 8, false),
        (Members, 1, true),
        (Songs, 4, true),
        (SongExtras, 4, true),
        (Checkpoints, 1, false),
        (Metrics, 1, false),
        (DeadLetters, 1, false),
    ];
}
