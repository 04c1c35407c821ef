using Confluent.Kafka;
using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Kafka;

/// <summary>The running local broker (./kkbox infra up) serves the project's topics at its fixed address.</summary>
public class LocalBrokerTopicsTests
{
    [Fact]
    public void EveryProjectTopicExistsWithItsPartitionCount()
    {
        KafkaTestEnvironment.RequireBroker();
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(KafkaTestEnvironment.Settings, "kafka-tests")).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        foreach (var (name, partitions, _) in Topics.All)
        {
            var topic = metadata.Topics.SingleOrDefault(t => t.Topic == name);
            Assert.True(topic is not null, $"topic {name} is missing; the broker has: {string.Join(", ", metadata.Topics.Select(t => t.Topic))}");
            Assert.Equal(ErrorCode.NoError, topic.Error.Code);
            Assert.Equal(partitions, topic.Partitions.Count);
        }
    }

    [Fact]
    public void BrokersAdvertiseTheFixedAddressSoClientsReconnectThroughIt()
    {
        KafkaTestEnvironment.RequireBroker();
        var (host, port) = KafkaTestEnvironment.HostPort(KafkaTestEnvironment.Bootstrap.Split(',')[0]);
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(KafkaTestEnvironment.Settings, "kafka-tests")).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.NotEmpty(metadata.Brokers);
        Assert.Contains(metadata.Brokers, b => b.Host == host && b.Port == port);
    }
}
