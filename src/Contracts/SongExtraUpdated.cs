namespace KkboxNcf.Contracts;

/// <summary>A song_extra_info.csv row, on the compacted song-extras topic keyed by SongId.</summary>
public sealed record SongExtraUpdated(string SongId, string Name, string Isrc) : IMessage<SongExtraUpdated>
{
    public static MessageType Type => MessageType.SongExtraUpdated;
    public static byte Version => 1;

    /// <summary>The country of the song: the first two letters of its ISRC ("" when it has none).</summary>
    public string Country => Isrc.Length >= 2 ? Isrc[..2].ToUpperInvariant() : "";

    public void WriteFields(MessageWriter w) => w.String(SongId).String(Name).String(Isrc);

    public static SongExtraUpdated ReadFields(ref MessageReader r, byte version) => new(r.String(), r.String(), r.String());
}
