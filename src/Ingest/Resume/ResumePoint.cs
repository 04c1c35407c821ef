using System.Text;
using KkboxNcf.Contracts;
using KkboxNcf.Data;

namespace KkboxNcf.Ingest.Resume;

/// <summary>
/// Where a replay starts, so a restarted Ingest (after kill -9, a crash or a stop) neither leaves a gap
/// nor sends a listen twice. The topics are the record of what was delivered: each partition keeps
/// the order the idempotent producer sent in, so its last message marks how far the replay got on
/// that partition. A listen is sent when its row is after the last row of its partition; a song's
/// metadata when its partition's last song (in first-listen order) has been passed; members after the
/// last member on the members topic. Before anything is sent to a partition, the row at its marker
/// is checked against the file (same member and song): a topic holding another replay is refused.
/// With --from-row N the operator chooses instead: listens from row N, every song, members when N = 1.
/// It also says which partition of the listens topic a member's listens go to.
/// </summary>
public sealed class ResumePoint
{
    readonly int _listenPartitions;
    readonly ListenRecorded?[] _lastListen;
    readonly bool[] _passed;
    readonly MetadataMarkers _songs, _extras;
    readonly string? _lastMember;

    /// <summary>Explicit first row (--from-row), or null when resuming from the topics.</summary>
    public long? FromRow { get; }

    ResumePoint(long? fromRow, int listenPartitions, ListenRecorded?[] lastListen, MetadataMarkers songs, MetadataMarkers extras, string? lastMember)
    {
        FromRow = fromRow;
        _listenPartitions = listenPartitions;
        _lastListen = lastListen;
        _passed = lastListen.Select(l => l is null).ToArray();
        _songs = songs;
        _extras = extras;
        _lastMember = lastMember;
    }

    public static ResumePoint At(long fromRow, int listenPartitions) =>
        new(fromRow, listenPartitions, new ListenRecorded?[listenPartitions], MetadataMarkers.None, MetadataMarkers.None, null);

    /// <summary>Reads the end of the listens, members, songs and song-extras topics.</summary>
    public static ResumePoint FromTopics(KafkaSettings kafka)
    {
        var listens = TopicTail.Read(kafka, Topics.Listens);
        var last = listens.Select(t => t.Last is { } m ? Decode(t, m) : null).ToArray();
        string? lastMember = TopicTail.Read(kafka, Topics.Members).LastOrDefault(t => t.Last is not null)?.Last!.Key is { } key ? Encoding.UTF8.GetString(key) : null;
        return new ResumePoint(null, listens.Count, last, MetadataMarkers.Of(TopicTail.Read(kafka, Topics.Songs)),
            MetadataMarkers.Of(TopicTail.Read(kafka, Topics.SongExtras)), lastMember);
    }

    static ListenRecorded Decode(PartitionTail tail, Confluent.Kafka.Message<byte[], byte[]> m) =>
        Messages.TryDecode<ListenRecorded>(m.Value, out var listen, out var reason)
            ? listen!
            : throw new ReplayMismatchException($"{Topics.Listens}[{tail.Partition}] ends with a message that is not a listen ({reason}): it was not written by this replay");

    /// <summary>True when the topics hold nothing of a replay (or --from-row was given).</summary>
    public bool FromStart => FromRow is not null || (_lastListen.All(l => l is null) && _lastMember is null && _songs.Empty && _extras.Empty);

    /// <summary>Per partition, the last row already in the listens topic (0: none).</summary>
    public IReadOnlyList<long> LastRows => _lastListen.Select(l => l?.Row ?? 0).ToArray();

    /// <summary>For the log: the first row a resumed replay can send.</summary>
    public long FirstRow => FromRow ?? (_lastListen.Min(l => l?.Row ?? 0) + 1);

    public bool SendMembers => FromRow is null or 1;

    /// <summary>The members still to send: those after the last one the members topic holds.</summary>
    public IEnumerable<T> MembersAfterMarker<T>(IReadOnlyList<T> members, Func<T, string> msno)
    {
        if (FromRow is not null || _lastMember is null) return members;
        int at = -1;
        for (int i = members.Count - 1; i >= 0 && at < 0; i--) if (msno(members[i]) == _lastMember) at = i;
        if (at < 0) throw new ReplayMismatchException($"{Topics.Members} ends with member {_lastMember}, who is not in members.csv: the topics hold another replay");
        return members.Skip(at + 1);
    }

    /// <summary>Partitions of the listens topic, as the broker gave them when this start was read.</summary>
    public int ListenPartitions => _listenPartitions;

    /// <summary>The listens partition of a member (the producer's default partitioner, MemberPartitioner).</summary>
    public int PartitionOf(ReadOnlySpan<byte> msno) => MemberPartitioner.PartitionOfKey(msno, _listenPartitions);

    /// <summary>Whether the listen at this row, for partition p (PartitionOf its member), goes out; checks the row at each partition's marker against the topic.</summary>
    public bool SendListen(long row, int p, ReadOnlySpan<byte> msno, ReadOnlySpan<byte> songId)
    {
        if (FromRow is { } from) return row >= from;
        if (_passed[p]) return true;
        var last = _lastListen[p]!;
        if (row < last.Row) return false;
        if (row == last.Row && msno.SequenceEqual(Encoding.UTF8.GetBytes(last.Msno)) && songId.SequenceEqual(Encoding.UTF8.GetBytes(last.SongId)))
        {
            _passed[p] = true;
            return false;
        }
        throw new ReplayMismatchException(
            $"{Topics.Listens}[{p}] ends with row {last.Row} (member {last.Msno}, song {last.SongId}), but row {row} of the data is member " +
            $"{Encoding.UTF8.GetString(msno)}, song {Encoding.UTF8.GetString(songId)}: the topic holds another replay. Use a fresh broker or topic, or choose the start with --from-row");
    }

    public bool SendSong(ReadOnlySpan<byte> songId) => FromRow is not null || _songs.Send(songId);

    public bool SendSongExtra(ReadOnlySpan<byte> songId) => FromRow is not null || _extras.Send(songId);

    /// <summary>Partitions whose marker was never reached (the data ended first): they hold another replay's rows.</summary>
    public IEnumerable<string> Unreached()
    {
        if (FromRow is not null) yield break;
        for (int p = 0; p < _passed.Length; p++)
            if (!_passed[p]) yield return $"{Topics.Listens}[{p}] (row {_lastListen[p]!.Row})";
        foreach (var s in _songs.Unreached(Topics.Songs)) yield return s;
        foreach (var s in _extras.Unreached(Topics.SongExtras)) yield return s;
    }
}
