using Confluent.Kafka;
using KkboxNcf.Contracts;

namespace KkboxNcf.Ingest.Resume;

/// <summary>The end of one partition: its high watermark and its last message (null when it holds none).</summary>
public sealed record PartitionTail(int Partition, long HighWatermark, Message<byte[], byte[]>? Last);

/// <summary>
/// Reads the last message of every partition of a topic. The idempotent producer keeps each
/// partition in the order it was sent, so a partition's last message says how far the replay got on
/// that partition: everything sent to it before that message is there, nothing after it is.
/// </summary>
public static class TopicTail
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<PartitionTail> Read(KafkaSettings kafka, string topic)
    {
        int partitions = PartitionCount(kafka, topic);
        var config = KafkaClientConfigs.Consumer(kafka, $"kkbox-ingest-resume-{Guid.NewGuid():N}", "kkbox-ingest-resume");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var tails = new List<PartitionTail>(partitions);
        for (int p = 0; p < partitions; p++)
        {
            var tp = new TopicPartition(topic, p);
            var marks = consumer.QueryWatermarkOffsets(tp, Timeout);
            if (marks.High.Value <= marks.Low.Value)
            {
                tails.Add(new PartitionTail(p, marks.High.Value, null));
                continue;
            }
            consumer.Assign(new TopicPartitionOffset(tp, marks.High.Value - 1));
            var deadline = DateTime.UtcNow + Timeout;
            ConsumeResult<byte[], byte[]>? last = null;
            while (last is null && DateTime.UtcNow < deadline)
                if (consumer.Consume(200) is { IsPartitionEOF: false } cr) last = cr;
            if (last is null) throw new KafkaException(new Error(ErrorCode.RequestTimedOut, $"{topic}[{p}]: the last message (offset {marks.High.Value - 1}) could not be read within {Timeout.TotalSeconds} s"));
            tails.Add(new PartitionTail(p, marks.High.Value, last.Message));
            consumer.Unassign();
        }
        consumer.Close();
        return tails;
    }

    public static int PartitionCount(KafkaSettings kafka, string topic)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "kkbox-ingest-resume")).Build();
        var meta = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (meta is null || meta.Error.IsError || meta.Partitions.Count == 0)
            throw new KafkaException(meta?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"no metadata for {topic}"));
        return meta.Partitions.Count;
    }
}
