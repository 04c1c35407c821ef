using System.Text;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Ingest;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Tests.Ingest;

/// <summary>
/// Ingest replays a KKBOX folder into a real local broker of each test's own (so counts are exact);
/// a consumer checks what arrived.
/// </summary>
public class ListenReplayTests : IAsyncLifetime
{
    readonly PrivateBroker broker = new();

    public Task InitializeAsync() => broker.InitializeAsync();
    public Task DisposeAsync() => broker.DisposeAsync();

    static readonly string[] Tabs = ["my library", "discover", "search", "radio", "null", ""];

    /// <summary>A KKBOX folder of 20 members and 30 songs, with a bad row and a CRLF/BOM train.csv.</summary>
    static string WriteFolder(int listens, out List<(long Row, string Msno, string Song, string Tab, int Target)> expected)
    {
        string dir = Directory.CreateTempSubdirectory("kkbox-ingest-").FullName;
        var random = new Random(3);
        expected = new();
        var train = new StringBuilder("\uFEFFmsno,song_id,source_system_tab,source_screen_name,source_type,target\r\n");
        long row = 0;
        for (int i = 0; i < listens; i++)
        {
            row++;
            if (i == 17) { train.Append("broken,row\r\n"); row++; }
            string msno = $"member{random.Next(20):D2}+/=", song = $"song{random.Next(30):D2}", tab = Tabs[random.Next(Tabs.Length)];
            int target = random.Next(2);
            train.Append($"{msno},{song},{tab},\"Local playlist, more\",local-library,{target}\r\n");
            expected.Add((row, msno, song, tab, target));
        }
        File.WriteAllText(Path.Combine(dir, "train.csv"), train.ToString());
        var songs = new StringBuilder("song_id,song_length,genre_ids,artist_name,composer,lyricist,language\n");
        for (int s = 0; s < 25; s++) songs.Append($"song{s:D2},{1000 + s},465|958,周杰倫|  TEDDY,,,3\n"); // songs 25..29 have no metadata
        File.WriteAllText(Path.Combine(dir, "songs.csv"), songs.ToString());
        var members = new StringBuilder("msno,city,bd,gender,registered_via,registration_init_time,expiration_date\n");
        for (int m = 0; m < 20; m++) members.Append($"member{m:D2}+/=,{m % 5 + 1},0,female,7,20110820,20170920\n");
        File.WriteAllText(Path.Combine(dir, "members.csv"), members.ToString());
        return dir;
    }

    static List<ConsumeResult<byte[], byte[]>> ConsumeAll(string bootstrap, string topic, int expected)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = bootstrap }, $"test-{Guid.NewGuid():N}", "test");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (results.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } r) results.Add(r);
        // A little longer, to see anything beyond what was expected (duplicates).
        var extra = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < extra)
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r) results.Add(r);
        consumer.Close();
        return results;
    }

    [Fact]
    public void EveryListenArrivesOnceKeyedByMemberInRowOrderWithItsContext()
    {
        string dir = WriteFolder(400, out var expected);
        var settings = new IngestSettings { DataDirectory = dir };
        var replay = new ListenReplay(settings, new KafkaSettings { BootstrapServers = broker.Bootstrap }, NullLogger<ListenReplay>.Instance);

        var summary = replay.Run(CancellationToken.None);

        Assert.True(summary.Completed);
        Assert.Equal(400, summary.ListensSent);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(summary.EventsSent, summary.Delivered);
        Assert.Equal(1, summary.RowsRejected);
        Assert.Contains("wrong column count", File.ReadAllText(summary.RejectsPath));

        var listens = ConsumeAll(broker.Bootstrap, Topics.Listens, 400)
            .Select(r => (Key: Encoding.UTF8.GetString(r.Message.Key), Partition: r.Partition.Value, Listen: Messages.Decode<ListenRecorded>(r.Message.Value)))
            .ToList();
        Assert.Equal(400, listens.Count);
        Assert.Equal(expected.Select(e => e.Row).Order(), listens.Select(l => l.Listen.Row).Order());
        foreach (var l in listens)
        {
            var e = expected.Single(x => x.Row == l.Listen.Row);
            Assert.Equal(e.Msno, l.Key);
            Assert.Equal((e.Msno, e.Song, e.Tab, "Local playlist, more", "local-library", e.Target),
                (l.Listen.Msno, l.Listen.SongId, l.Listen.SourceSystemTab, l.Listen.SourceScreenName, l.Listen.SourceType, l.Listen.Target));
        }
        // One partition per member, the one MemberPartitioner gives (the Scorer owns members by it),
        // and a member's listens in row order within it.
        int partitions = Topics.All.Single(t => t.Name == Topics.Listens).Partitions;
        foreach (var member in listens.GroupBy(l => l.Key))
        {
            Assert.Equal(MemberPartitioner.PartitionOf(member.Key, partitions), Assert.Single(member.Select(l => l.Partition).Distinct()));
            var rows = member.Select(l => l.Listen.Row).ToList();
            Assert.Equal(rows.Order(), rows);
        }
    }

    [Fact]
    public void MembersAndReferencedSongsArePublishedOnceWithTheirMetadata()
    {
        string dir = WriteFolder(300, out var expected);
        var bootstrap = broker.Bootstrap;
        var replay = new ListenReplay(new IngestSettings { DataDirectory = dir }, new KafkaSettings { BootstrapServers = bootstrap }, NullLogger<ListenReplay>.Instance);
        var summary = replay.Run(CancellationToken.None);

        int songsWithMetadata = expected.Select(e => e.Song).Distinct().Count(s => int.Parse(s[4..]) < 25);
        Assert.Equal(20, summary.MembersSent);
        Assert.Equal(songsWithMetadata, summary.SongsSent);
        var songs = ConsumeAll(bootstrap, Topics.Songs, songsWithMetadata)
            .Select(r => Messages.Decode<SongUpdated>(r.Message.Value)).ToList();
        Assert.Equal(songsWithMetadata, songs.Count);
        Assert.Equal(songs.Count, songs.Select(s => s.SongId).Distinct().Count());
        var song = songs.First(s => s.SongId == expected.First(e => int.Parse(e.Song[4..]) < 25).Song);
        Assert.Equal(["465", "958"], song.Genres);
        Assert.Equal(["周杰倫", "TEDDY"], song.Artists);
        var members = ConsumeAll(bootstrap, Topics.Members, 20).Select(r => Messages.Decode<MemberUpdated>(r.Message.Value)).ToList();
        Assert.Equal(20, members.Count);
        Assert.Contains(members, m => m.Msno == "member03+/=" && m.Gender == "female" && m.RegisteredVia == 7);
    }
}
