using System.Text;
using KkboxNcf.Contracts;
using KkboxNcf.Data;

namespace KkboxNcf.Ingest;

/// <summary>
/// The encoded song and song-extra messages of the songs the replay will reference, each handed out
/// once, just before the first listen of that song. Publishing metadata just in time (rather than the
/// whole 2.3M-song catalogue up front) keeps it from being dropped by the local broker's ~5 MiB per
/// partition before consumers read it, and is how new songs appear in a live stream.
/// </summary>
public sealed class SongCatalog
{
    readonly Dictionary<string, (byte[]? Song, byte[]? Extra)> _pending = new(StringComparer.Ordinal);
    readonly Dictionary<string, (byte[]? Song, byte[]? Extra)>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public int Songs { get; private set; }
    public int Extras { get; private set; }

    SongCatalog() => _lookup = _pending.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Loads the songs.csv and song_extra_info.csv rows of the given song ids (others are skipped).</summary>
    public static SongCatalog Load(IReadOnlySet<string> referenced, string? songsCsv, string? extrasCsv, ReadReport report, CancellationToken ct)
    {
        var catalog = new SongCatalog();
        if (songsCsv is not null)
            foreach (var song in KkboxReader.ReadSongs(songsCsv, report, ct))
            {
                if (!referenced.Contains(song.SongId)) continue;
                var message = new SongUpdated(song.SongId, song.SongLengthMs, song.Genres, song.Artists, song.Composers, song.Lyricists, song.Language);
                catalog._pending[song.SongId] = (Messages.Encode(message), catalog._pending.GetValueOrDefault(song.SongId).Extra);
                catalog.Songs++;
            }
        if (extrasCsv is not null)
            foreach (var extra in KkboxReader.ReadSongExtras(extrasCsv, report, ct))
            {
                if (!referenced.Contains(extra.SongId)) continue;
                var message = new SongExtraUpdated(extra.SongId, extra.Name, extra.Isrc);
                catalog._pending[extra.SongId] = (catalog._pending.GetValueOrDefault(extra.SongId).Song, Messages.Encode(message));
                catalog.Extras++;
            }
        return catalog;
    }

    /// <summary>The song's messages the first time it is asked for; false afterwards or when it has none.</summary>
    public bool TakeFirst(ReadOnlySpan<byte> songIdUtf8, out string songId, out byte[]? song, out byte[]? extra)
    {
        Span<char> chars = songIdUtf8.Length <= 128 ? stackalloc char[256] : new char[Encoding.UTF8.GetMaxCharCount(songIdUtf8.Length)];
        int n = Encoding.UTF8.GetChars(songIdUtf8, chars);
        if (_lookup.Remove(chars[..n], out songId!, out var messages))
        {
            (song, extra) = messages;
            return true;
        }
        songId = "";
        song = extra = null;
        return false;
    }
}
