using Confluent.Kafka;
using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Kafka;

public class KafkaClientConfigsTests
{
    [Fact]
    public void ProducerIsIdempotentWithAcksAllAndPropertiesOverrideDefaults()
    {
        var settings = new KafkaSettings
        {
            BootstrapServers = "kafka-1:9092,kafka-2:9092",
            Properties = new() { ["security.protocol"] = "SASL_SSL", ["linger.ms"] = "50" },
        };
        var config = KafkaClientConfigs.Producer(settings, "ingest");

        Assert.Equal("kafka-1:9092,kafka-2:9092", config.BootstrapServers);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
        Assert.Equal(CompressionType.Lz4, config.CompressionType);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
        Assert.Equal(50, config.LingerMs);
    }

    [Fact]
    public void ConsumerStoresOffsetsOnlyExplicitlyAndSetsSessionTimeoutsOnlyForClassic()
    {
        var kip848 = KafkaClientConfigs.Consumer(new KafkaSettings(), "trainer", "trainer-1");
        Assert.Equal("trainer", kip848.GroupId);
        Assert.False(kip848.EnableAutoOffsetStore);
        Assert.Equal(GroupProtocol.Consumer, kip848.GroupProtocol);
        Assert.Null(kip848.SessionTimeoutMs); // librdkafka rejects it under KIP-848: the broker owns it

        var classic = KafkaClientConfigs.Consumer(new KafkaSettings { GroupProtocol = GroupProtocol.Classic }, "trainer", "trainer-1");
        Assert.Equal(GroupProtocol.Classic, classic.GroupProtocol);
        Assert.Equal(6_000, classic.SessionTimeoutMs);
    }
}
