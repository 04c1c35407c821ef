using Confluent.Kafka;

namespace KkboxNcf.Contracts;

/// <summary>
/// Builds the project's producer, consumer and admin configurations from <see cref="KafkaSettings"/>.
/// Project defaults come first and Kafka:Properties last, so any librdkafka property (SASL, TLS,
/// a tuning knob) can be set or overridden from configuration without code changes.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>
    /// Idempotent, acks=all producer: no duplicates or reordering from retries, which the per-member
    /// ordering of listens relies on. lz4 and a short linger batch small events cheaply.
    /// </summary>
    public static ProducerConfig Producer(KafkaSettings settings, string clientId)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            ClientId = clientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 5,
            // Fail a send that cannot be delivered within this time instead of retrying forever.
            MessageTimeoutMs = 60_000,
        };
        return WithProperties(config, settings);
    }

    /// <summary>
    /// Consumer that stores an offset only after the caller processed the message (StoreOffset) and
    /// commits stored offsets in the background, so a crash replays at most the unprocessed tail.
    /// Starts from the earliest offset when the group has no commit yet.
    /// </summary>
    public static ConsumerConfig Consumer(KafkaSettings settings, string groupId, string clientId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            ClientId = clientId,
            GroupId = groupId,
            GroupProtocol = settings.GroupProtocol,
            EnableAutoOffsetStore = false,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1_000,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // The local broker answers a waiting fetch only at this deadline, so keep it short.
            FetchWaitMaxMs = 20,
        };
        if (settings.GroupProtocol == GroupProtocol.Classic)
        {
            // Classic rebalances wait for every member up to the session timeout (the local broker
            // waits session - 1 s), so keep it at the 6 s minimum real brokers accept by default.
            // These two are client-side only under the classic protocol; KIP-848 sets them on the broker.
            config.SessionTimeoutMs = 6_000;
            config.HeartbeatIntervalMs = 1_500;
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }
        return WithProperties(config, settings);
    }

    public static AdminClientConfig Admin(KafkaSettings settings, string clientId)
    {
        var config = new AdminClientConfig { BootstrapServers = settings.BootstrapServers, ClientId = clientId };
        return WithProperties(config, settings);
    }

    /// <summary>The security settings and Kafka:Properties, after the project's defaults so they can override them.</summary>
    static T WithProperties<T>(T config, KafkaSettings settings) where T : ClientConfig
    {
        foreach (var (key, value) in settings.ClientConfig().Skip(1)) config.Set(key, value);
        return config;
    }
}
