using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Data;

namespace KkboxNcf.Faults;

/// <summary>
/// Everything on the listens topic against the rows of the data: rows missing (lost), rows there more
/// than once (duplicated), and the total number of messages (what the Trainer's offsets must add up to).
/// </summary>
public sealed record ListensAudit(long Messages, long Lost, long Duplicated, long OutOfOrder)
{
    public static IReadOnlyList<ListenRecord> Expected(string dataDirectory) =>
        KkboxReader.ReadListens(Path.Combine(dataDirectory, "train.csv"), new ReadReport())
            .Select(l => new ListenRecord(l.Row, l.Msno)).ToList();

    public static ListensAudit Of(string bootstrap, IReadOnlyCollection<ListenRecord> expected)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = bootstrap }, $"faults-audit-{Guid.NewGuid():N}", "faults-audit");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var counts = new Dictionary<long, int>();
        long messages = 0, outOfOrder = 0;
        for (int p = 0; p < Topics.All.Single(t => t.Name == Topics.Listens).Partitions; p++)
        {
            var tp = new TopicPartition(Topics.Listens, p);
            var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            if (marks.High.Value <= marks.Low.Value) continue;
            consumer.Assign(new TopicPartitionOffset(tp, marks.Low));
            long lastRow = 0, read = 0, want = marks.High.Value - marks.Low.Value;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (read < want && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(200) is not { IsPartitionEOF: false } cr) continue;
                read++;
                var listen = KkboxNcf.Contracts.Messages.Decode<ListenRecorded>(cr.Message.Value);
                counts[listen.Row] = counts.GetValueOrDefault(listen.Row) + 1;
                if (listen.Row <= lastRow) outOfOrder++;
                lastRow = listen.Row;
            }
            messages += read;
            consumer.Unassign();
        }
        consumer.Close();
        long lost = expected.Count(e => !counts.ContainsKey(e.Row));
        long duplicated = counts.Values.Sum(c => (long)c - 1);
        return new ListensAudit(messages, lost, duplicated, outOfOrder);
    }
}

/// <summary>A row of train.csv and its member, what the audits compare against.</summary>
public sealed record ListenRecord(long Row, string Msno);
