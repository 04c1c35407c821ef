using System.IO.Hashing;
using KkboxNcf.Contracts;
using KkboxNcf.Data;

namespace KkboxNcf.Ingest;

/// <summary>
/// The encoded SongUpdated and SongExtraUpdated messages of the whole catalogue, each handed out once,
/// just before the first listen of that song. Publishing metadata just in time (rather than 2.3M
/// songs up front) is how new songs appear in a live stream, and keeps the metadata from being dropped
/// by the local broker's ~5 MiB per partition before consumers read it; songs never listened to are
/// never published.
/// Built for speed and memory: messages are encoded straight from the CSV bytes into one buffer per
/// file, indexed by a 64-bit hash of the song id; a lookup verifies the id stored in the message, so
/// a hash collision can never hand out the wrong song.
/// Most listens are of a song heard before. Those are answered from the hashes of the song ids
/// already asked for (a few hundred thousand) without the two lookups in the large indexes, which
/// were cache misses costing more than the rest of a listen's parsing and encoding.
/// </summary>
public sealed class SongCatalog
{
    readonly MessageIndex _songs;
    readonly MessageIndex _extras;
    // Hashes after which neither index holds a message any more: any later id with one of these
    // hashes has nothing to hand out, so the answer is exact without comparing ids.
    readonly HashSet<ulong> _done = new();

    public int Songs => _songs.Count;
    public int Extras => _extras.Count;

    SongCatalog(MessageIndex songs, MessageIndex extras) => (_songs, _extras) = (songs, extras);

    /// <summary>Reads songs.csv and song_extra_info.csv (either may be absent), the two files in parallel.</summary>
    public static SongCatalog Load(string? songsCsv, string? extrasCsv, ReadReport report, CancellationToken ct)
    {
        var songs = Task.Run(() => songsCsv is null ? new MessageIndex(0) : LoadSongs(songsCsv, report, ct), ct);
        var extras = Task.Run(() => extrasCsv is null ? new MessageIndex(0) : LoadExtras(extrasCsv, report, ct), ct);
        return new SongCatalog(songs.GetAwaiter().GetResult(), extras.GetAwaiter().GetResult());
    }

    /// <summary>The song's messages the first time it is asked for; false afterwards or when it has none.</summary>
    public bool TakeFirst(ReadOnlySpan<byte> songId, out byte[]? song, out byte[]? extra)
    {
        ulong hash = XxHash3.HashToUInt64(songId);
        if (_done.Contains(hash))
        {
            song = extra = null;
            return false;
        }
        song = _songs.Take(songId, hash, out bool songsHoldAnother);
        extra = _extras.Take(songId, hash, out bool extrasHoldAnother);
        // Another song with this hash still waiting in an index (a collision): keep asking the indexes for it.
        if (!songsHoldAnother && !extrasHoldAnother) _done.Add(hash);
        return song is not null || extra is not null;
    }

    // Same validation and field rules as KkboxReader.ReadSongs, without building Song records.
    static MessageIndex LoadSongs(string path, ReadReport report, CancellationToken ct)
    {
        var index = new MessageIndex(new FileInfo(path).Length);
        var w = new MessageWriter(1024);
        KkboxReader.ScanRows(path, KkboxSchema.Songs, report, row =>
        {
            var id = row.Field(0);
            if (RejectReasons.ForKey(id, "song_id") is { } keyProblem) return keyProblem;
            if (!Utf8Fields.TryParseInt(row.Field(1), -1, out int length)) return RejectReasons.For(RejectReasons.BadInteger, "song_length");
            if (!Utf8Fields.TryParseInt(row.Field(6), -1, out int language)) return RejectReasons.For(RejectReasons.BadInteger, "language");
            w.Reset();
            w.Header(MessageType.SongUpdated, SongUpdated.Version).Utf8(id).Int(length);
            for (int f = 2; f <= 5; f++) WriteMulti(w, row.Field(f));
            w.Int(language);
            index.Add(id, w.WrittenSpan);
            return null;
        }, ct);
        return index;
    }

    static MessageIndex LoadExtras(string path, ReadReport report, CancellationToken ct)
    {
        var index = new MessageIndex(new FileInfo(path).Length);
        var w = new MessageWriter(1024);
        KkboxReader.ScanRows(path, KkboxSchema.SongExtras, report, row =>
        {
            var id = row.Field(0);
            if (RejectReasons.ForKey(id, "song_id") is { } keyProblem) return keyProblem;
            w.Reset();
            w.Header(MessageType.SongExtraUpdated, SongExtraUpdated.Version).Utf8(id).Utf8(row.Field(1)).Utf8(Utf8Fields.TrimAscii(row.Field(2)));
            index.Add(id, w.WrittenSpan);
            return null;
        }, ct);
        return index;
    }

    /// <summary>A '|'-separated field as a string array: parts trimmed of ASCII spaces, empty parts dropped (as Utf8Fields.SplitMulti).</summary>
    static void WriteMulti(MessageWriter w, ReadOnlySpan<byte> field)
    {
        int count = 0;
        foreach (var range in field.Split((byte)'|')) if (!Utf8Fields.TrimAscii(field[range]).IsEmpty) count++;
        w.Long(count);
        foreach (var range in field.Split((byte)'|'))
        {
            var part = Utf8Fields.TrimAscii(field[range]);
            if (!part.IsEmpty) w.Utf8(part);
        }
    }

    /// <summary>Encoded messages in one growing buffer, found by a hash of their key; the latest row of a key wins.</summary>
    sealed class MessageIndex(long expectedBytes)
    {
        readonly Dictionary<ulong, (long Offset, int Length)> _at = new();
        // Sized from the CSV file: a message is about as long as its row, so this rarely grows.
        byte[] _buffer = new byte[(int)Math.Clamp(expectedBytes + (1 << 16), 1 << 16, Array.MaxLength)];
        long _used;

        public int Count => _at.Count;

        public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
        {
            if (_used + message.Length > _buffer.Length)
                Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(_buffer.Length * 2L, _used + message.Length)));
            message.CopyTo(_buffer.AsSpan((int)_used));
            _at[XxHash3.HashToUInt64(key)] = (_used, message.Length);
            _used += message.Length;
        }

        /// <summary>The key's message, once; holdsAnother: the index keeps a different key's message under the same hash.</summary>
        public byte[]? Take(ReadOnlySpan<byte> key, ulong hash, out bool holdsAnother)
        {
            holdsAnother = false;
            if (!_at.TryGetValue(hash, out var at)) return null;
            var message = _buffer.AsSpan((int)at.Offset, at.Length);
            if (!KeyOf(message).SequenceEqual(key))
            {
                holdsAnother = true; // a different song with the same hash
                return null;
            }
            _at.Remove(hash);
            return message.ToArray();
        }

        /// <summary>The first field of both messages is the song id: header (2 bytes), varint length, UTF-8.</summary>
        static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> message)
        {
            var reader = new MessageReader(message[2..]);
            long length = reader.Long();
            int varint = VarintSize((ulong)(length << 1));
            return message.Slice(2 + varint, (int)length);
        }

        static int VarintSize(ulong zigzag)
        {
            int n = 1;
            while (zigzag >= 0x80) { zigzag >>= 7; n++; }
            return n;
        }
    }
}
