using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Data.Synth;
using KkboxNcf.Ingest;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Tests.Ingest;

/// <summary>
/// The small generated data set (200,000 listens) replayed into a broker of the test's own reaches
/// the listens topic complete: a consumer checks the count and every message against its CSV row.
/// </summary>
public class SmallReplayTests : IAsyncLifetime
{
    readonly PrivateBroker broker = new();
    readonly string dir = Directory.CreateTempSubdirectory("kkbox-small-").FullName;

    public Task InitializeAsync() => broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void EveryRowOfTheSmallDataSetArrivesOnceWithItsContent()
    {
        new KkboxSynthesizer(SynthSize.Small, 42).Generate(dir);
        var expected = KkboxReader.ReadListens(Path.Combine(dir, "train.csv"), new ReadReport()).ToDictionary(l => l.Row);

        var summary = new ListenReplay(new IngestSettings { DataDirectory = dir, RejectsPath = Path.Combine(dir, "rejects.jsonl") },
            new KafkaSettings { BootstrapServers = broker.Bootstrap }, NullLogger<ListenReplay>.Instance).Run(CancellationToken.None);
        Assert.True(summary.Completed);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(expected.Count, summary.ListensSent);

        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = broker.Bootstrap }, "small-check", "test");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Subscribe(Topics.Listens);
        var seen = new HashSet<long>();
        int mismatches = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (seen.Count < expected.Count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null || r.IsPartitionEOF) continue;
            var m = Messages.Decode<ListenRecorded>(r.Message.Value);
            Assert.True(seen.Add(m.Row), $"row {m.Row} arrived twice");
            var e = expected[m.Row];
            if ((m.Msno, m.SongId, m.SourceSystemTab, m.SourceScreenName, m.SourceType, m.Target) !=
                (e.Msno, e.SongId, e.SourceSystemTab, e.SourceScreenName, e.SourceType, e.Target) ||
                System.Text.Encoding.UTF8.GetString(r.Message.Key) != e.Msno)
                mismatches++;
        }
        consumer.Close();
        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(0, mismatches);
    }
}
