using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Tests.Kafka;

namespace KkboxNcf.Tests.Trainer;

/// <summary>Starts the Trainer service as a child process and feeds a private broker for it.</summary>
static class TrainerProcess
{
    public static ChildProcess Start(params string[] args) => ChildProcess.StartDll(TestInfra.Dll("Trainer"), args);

    public static void Produce(string bootstrap, string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        var config = KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = bootstrap }, "trainer-test");
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        foreach (var (key, value) in messages)
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = value });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    public static void ProduceMetadata(string bootstrap, StreamData data)
    {
        Produce(bootstrap, Topics.Members, data.Members.Select(m => (m.Msno, Messages.Encode(m))));
        Produce(bootstrap, Topics.Songs, data.Songs.Select(s => (s.SongId, Messages.Encode(s))));
        Produce(bootstrap, Topics.SongExtras, data.Extras.Select(e => (e.SongId, Messages.Encode(e))));
    }

    /// <summary>Every message on a topic (from the beginning up to the end it has now).</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrap, string topic)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = bootstrap }, "trainer-test-reader", "trainer-test-reader");
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var tp = new TopicPartition(topic, 0);
        long end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var result = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (result.Count < end && DateTime.UtcNow < deadline)
            if (consumer.Consume(200) is { IsPartitionEOF: false } cr) result.Add(cr);
        return result;
    }
}
