namespace KkboxNcf.Contracts;

/// <summary>
/// One listen of the KKBOX stream (a train.csv or test.csv row), keyed by Msno on the listens topic.
/// Row is the event time: the 1-based row number of train.csv (test rows continue after the last
/// train row), since the data has no timestamp and row order is the only clock. Target is 1 (replayed
/// within a month), 0, or -1 when unlabeled (test.csv). ProducedAtMs (Unix ms) measures freshness.
/// </summary>
public sealed record ListenRecorded(
    long Row,
    string Msno,
    string SongId,
    string SourceSystemTab,
    string SourceScreenName,
    string SourceType,
    int Target,
    long ProducedAtMs) : IMessage<ListenRecorded>
{
    public static MessageType Type => MessageType.ListenRecorded;
    public static byte Version => 1;

    public bool HasLabel => Target is 0 or 1;

    public void WriteFields(MessageWriter w) =>
        w.Long(Row).String(Msno).String(SongId).String(SourceSystemTab).String(SourceScreenName)
         .String(SourceType).Int(Target).Long(ProducedAtMs);

    /// <summary>
    /// Writes a whole listen message from UTF-8 fields without building the record (Ingest's hot path);
    /// the same bytes as Messages.Encode of the equivalent record.
    /// </summary>
    public static void WriteUtf8(MessageWriter w, long row, ReadOnlySpan<byte> msno, ReadOnlySpan<byte> songId,
        ReadOnlySpan<byte> tab, ReadOnlySpan<byte> screen, ReadOnlySpan<byte> type, int target, long producedAtMs) =>
        w.Header(MessageType.ListenRecorded, Version).Long(row).Utf8(msno).Utf8(songId).Utf8(tab).Utf8(screen)
         .Utf8(type).Int(target).Long(producedAtMs);

    public static ListenRecorded ReadFields(ref MessageReader r, byte version)
    {
        var m = new ListenRecorded(r.Long(), r.String(), r.String(), r.String(), r.String(), r.String(), r.Int(), r.Long());
        if (m.Target is < -1 or > 1) throw new MessageFormatException($"listen target {m.Target} is not -1, 0 or 1");
        if (m.Msno.Length == 0 || m.SongId.Length == 0) throw new MessageFormatException("listen without msno or song_id");
        return m;
    }
}
