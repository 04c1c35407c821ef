using System.Runtime.InteropServices;

namespace KkboxNcf.LocalBroker.Native;

/// <summary>
/// The few librdkafka functions the host needs: a client handle to own the mock cluster, and the
/// mock cluster API of rdkafka_mock.h (experimental in librdkafka, hence pinned to the packaged 2.16).
/// The library file is chosen at run time by <see cref="LibRdKafkaLoader"/>.
/// </summary>
internal static partial class LibRdKafka
{
    public const string Name = "librdkafka";

    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0;       // RD_KAFKA_CONF_OK

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_version_str();

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_err2str(int err);

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Name)]
    public static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    /// <summary>cb: void (*)(const rd_kafka_t *rk, int level, const char *fac, const char *buf).</summary>
    [LibraryImport(Name)]
    public static partial void rd_kafka_conf_set_log_cb(IntPtr conf, IntPtr cb);

    [LibraryImport(Name)]
    public static partial void rd_kafka_conf_set_opaque(IntPtr conf, IntPtr opaque);

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_opaque(IntPtr rk);

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Name)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Name)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(Name)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_broker_set_host_port(IntPtr mcluster, int brokerId, string host, int port);

    [LibraryImport(Name)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    [LibraryImport(Name)]
    public static partial void rd_kafka_mock_set_group_consumer_session_timeout_ms(IntPtr mcluster, int timeoutMs);

    [LibraryImport(Name)]
    public static partial void rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(IntPtr mcluster, int intervalMs);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";

    public static string Version() => Marshal.PtrToStringUTF8(rd_kafka_version_str()) ?? "?";
}
