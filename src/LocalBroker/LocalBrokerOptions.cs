namespace KkboxNcf.LocalBroker;

/// <summary>
/// Settings of the local broker, bound from the "LocalBroker" section (environment LocalBroker__Listen,
/// command line --listen / --ready-file / --brokers). Defaults make consumer groups quick on one machine.
/// </summary>
public sealed class LocalBrokerOptions
{
    public const string Section = "LocalBroker";

    /// <summary>Fixed address clients bootstrap from: "HOST:PORT". Broker i (1-based) listens on PORT + i - 1; port 0 picks free ports.</summary>
    public string Listen { get; set; } = "127.0.0.1:9092";

    /// <summary>Host put in metadata for clients to reconnect to; defaults to the listen host (loopback for 0.0.0.0).</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>Written (with the bootstrap servers) once the port accepts connections and the topics exist; removed on stop.</summary>
    public string? ReadyFile { get; set; }

    /// <summary>Number of mock brokers. One is plenty on one machine; more is for failover experiments.</summary>
    public int Brokers { get; set; } = 1;

    /// <summary>Classic protocol: delay before the first rebalance of a new group (Kafka's group.initial.rebalance.delay.ms, 3000 by default).</summary>
    public int InitialRebalanceDelayMs { get; set; } = 100;

    /// <summary>KIP-848 protocol: broker-side group.consumer.session.timeout.ms (45000 on Kafka). A dead consumer's partitions move after this.</summary>
    public int ConsumerGroupSessionTimeoutMs { get; set; } = 10_000;

    /// <summary>KIP-848 protocol: broker-side group.consumer.heartbeat.interval.ms (5000 on Kafka). Assignments propagate at this pace.</summary>
    public int ConsumerGroupHeartbeatIntervalMs { get; set; } = 500;

    /// <summary>Topics created at start besides KkboxNcf.Contracts.Topics.All: name to partition count.</summary>
    public Dictionary<string, int> ExtraTopics { get; set; } = new();

    /// <summary>How often to look for messages the mock's ~5 MiB-per-partition retention dropped (0 = never).</summary>
    public int RetentionCheckIntervalMs { get; set; } = 5_000;

    /// <summary>Explicit librdkafka file; by default the packaged one that loads here (see LibRdKafkaLoader).</summary>
    public string? NativeLibrary { get; set; }

    /// <summary>librdkafka debug contexts for the mock (e.g. "mock" or "all"), logged at Debug level.</summary>
    public string? Debug { get; set; }
}
