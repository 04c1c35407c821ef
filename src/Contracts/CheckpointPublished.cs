namespace KkboxNcf.Contracts;

/// <summary>
/// Announces a durable Trainer checkpoint on the checkpoints topic. Uri is where the file is (a path
/// on a shared volume); Sha256 lets a reader verify it before loading. Offsets are the next offset to
/// consume per listens partition; StreamPosition is the number of events trained on.
/// </summary>
public sealed record CheckpointPublished(
    long ModelVersion,
    string Uri,
    string Sha256,
    IReadOnlyList<PartitionOffset> Offsets,
    long StreamPosition,
    IReadOnlyDictionary<string, double> Metrics,
    long CreatedAtMs) : IMessage<CheckpointPublished>
{
    public static MessageType Type => MessageType.CheckpointPublished;
    public static byte Version => 1;

    public void WriteFields(MessageWriter w)
    {
        w.Long(ModelVersion).String(Uri).String(Sha256).Long(Offsets.Count);
        foreach (var o in Offsets) w.Int(o.Partition).Long(o.Offset);
        w.Long(StreamPosition).Long(Metrics.Count);
        foreach (var (name, value) in Metrics) w.String(name).Double(value);
        w.Long(CreatedAtMs);
    }

    public static CheckpointPublished ReadFields(ref MessageReader r, byte version)
    {
        long v = r.Long();
        string uri = r.String();
        string sha = r.String();
        int n = r.Count("offsets", minBytesEach: 2); // two varints
        var offsets = new PartitionOffset[n];
        for (int i = 0; i < n; i++) offsets[i] = new PartitionOffset(r.Int(), r.Long());
        long position = r.Long();
        int m = r.Count("metrics", minBytesEach: 9); // a string length and a double
        var metrics = new Dictionary<string, double>(m);
        for (int i = 0; i < m; i++) metrics[r.String()] = r.Double();
        return new CheckpointPublished(v, uri, sha, offsets, position, metrics, r.Long());
    }
}

public readonly record struct PartitionOffset(int Partition, long Offset);
