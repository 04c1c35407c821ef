using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Model.Features;
using KkboxNcf.Scorer.Members;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// What the Scorer holds on a data set, built from its files as the Trainer and the Scorer would from
/// the stream: the feature space of the members and of the songs that occur in train.csv (with their
/// metadata), and the Scorer's counts (ListenCounts: member activity, song trends, plays per tab) of
/// every train listen.
/// </summary>
public sealed record ScoringWorkload(FeatureSpace Space, ListenCounts Counts, long Listens)
{
    public MemberActivity Activity => Counts.Activity;
    public SongTrends Trends => Counts.Trends;

    public static ScoringWorkload Load(string dir, int partitions, CancellationToken ct, int recentSongs = MemberActivity.DefaultRecentSongs)
    {
        string Path(string name) => System.IO.Path.Combine(dir, name);
        foreach (var required in new[] { "train.csv", "members.csv", "songs.csv" })
            if (!File.Exists(Path(required))) throw new UsageException($"{dir} has no {required} (make it with: kkbox data synth --size full)");
        var report = new ReadReport();
        var space = new FeatureSpace();
        foreach (var m in KkboxReader.ReadMembers(Path("members.csv"), report, ct)) space.AddMember(m);
        var counts = new ListenCounts(50_000, recentSongs);
        var heard = new HashSet<string>(StringComparer.Ordinal);
        long n = 0;
        foreach (var l in KkboxReader.ReadListens(Path("train.csv"), report, ct, internSongIds: true))
        {
            var listen = new ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0);
            counts.Record(listen, MemberPartitioner.PartitionOf(l.Msno, partitions));
            heard.Add(l.SongId);
            space[Field.User].GetOrAdd(l.Msno);
            space[Field.SourceSystemTab].GetOrAdd(l.SourceSystemTab);
            space[Field.SourceScreenName].GetOrAdd(l.SourceScreenName);
            space[Field.SourceType].GetOrAdd(l.SourceType);
            n++;
        }
        var country = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(Path("song_extra_info.csv")))
            foreach (var e in KkboxReader.ReadSongExtras(Path("song_extra_info.csv"), report, ct))
                if (heard.Contains(e.SongId)) country[e.SongId] = e.Country;
        foreach (var s in KkboxReader.ReadSongs(Path("songs.csv"), report, ct))
            if (heard.Contains(s.SongId)) space.AddSong(s, country.GetValueOrDefault(s.SongId, ""));
        // songs heard but missing from songs.csv still get a row (unknown metadata), as the Trainer gives them
        foreach (var id in heard) space[Field.Song].GetOrAdd(id);
        if (report.TotalRejected > 0) Console.WriteLine($"{report.TotalRejected:N0} rows rejected while reading {dir}");
        return new ScoringWorkload(space, counts, n);
    }
}
