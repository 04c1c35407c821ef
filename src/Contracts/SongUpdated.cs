namespace KkboxNcf.Contracts;

/// <summary>A songs.csv row, on the compacted songs topic keyed by SongId. Multi-valued fields are split and trimmed.</summary>
public sealed record SongUpdated(
    string SongId,
    int SongLengthMs,
    string[] Genres,
    string[] Artists,
    string[] Composers,
    string[] Lyricists,
    int Language) : IMessage<SongUpdated>
{
    public static MessageType Type => MessageType.SongUpdated;
    public static byte Version => 1;

    public void WriteFields(MessageWriter w) =>
        w.String(SongId).Int(SongLengthMs).Strings(Genres).Strings(Artists).Strings(Composers).Strings(Lyricists).Int(Language);

    public static SongUpdated ReadFields(ref MessageReader r, byte version) =>
        new(r.String(), r.Int(), r.Strings(), r.Strings(), r.Strings(), r.Strings(), r.Int());
}
