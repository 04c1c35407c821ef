using Confluent.Kafka;

namespace KkboxNcf.Contracts;

/// <summary>
/// Where every service finds Kafka. Bound from the "Kafka" configuration section
/// (environment: Kafka__BootstrapServers). Extra librdkafka properties (SASL, TLS, ...) go in
/// Kafka:Properties and are passed through unchanged (Kafka__Properties__security.protocol=SASL_SSL).
/// KafkaClientConfigs turns these into producer/consumer/admin configurations.
/// </summary>
public sealed class KafkaSettings
{
    public const string Section = "Kafka";
    public const string DefaultBootstrap = "127.0.0.1:9092";

    public string BootstrapServers { get; set; } = DefaultBootstrap;

    /// <summary>
    /// Consumer group protocol. KIP-848 "Consumer" (Kafka 4.0+, and the local broker) rebalances in about
    /// a second without stopping the group; set Kafka__GroupProtocol=Classic for older clusters.
    /// </summary>
    public GroupProtocol GroupProtocol { get; set; } = GroupProtocol.Consumer;

    /// <summary>Raw librdkafka properties, e.g. security.protocol, sasl.mechanism, ssl.ca.location.</summary>
    public Dictionary<string, string> Properties { get; set; } = new();

    public IEnumerable<KeyValuePair<string, string>> ClientConfig()
    {
        yield return new("bootstrap.servers", BootstrapServers);
        foreach (var p in Properties) yield return p;
    }
}
