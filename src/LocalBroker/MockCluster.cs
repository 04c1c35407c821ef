using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using KkboxNcf.LocalBroker.Native;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.LocalBroker;

/// <summary>
/// librdkafka's in-memory mock Kafka cluster, owned by a private client handle that does nothing else.
/// Its brokers listen on random loopback ports; clients are pointed elsewhere with
/// <see cref="AdvertiseBroker"/>. All state is in memory and gone on <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class MockCluster : IDisposable
{
    readonly IntPtr rk;
    readonly IntPtr cluster;
    GCHandle loggerHandle; // librdkafka's log callback finds the ILogger through the handle's opaque.

    public int BrokerCount { get; }

    /// <summary>Where the mock brokers really listen, "127.0.0.1:port,...", in broker-id order.</summary>
    public string NativeBootstraps { get; }

    MockCluster(IntPtr rk, IntPtr cluster, GCHandle loggerHandle, int brokerCount)
    {
        this.rk = rk;
        this.cluster = cluster;
        this.loggerHandle = loggerHandle;
        BrokerCount = brokerCount;
        NativeBootstraps = Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(cluster)) ?? "";
    }

    /// <summary>The librdkafka file in use (see LibRdKafkaLoader) and its version.</summary>
    public string Library { get; private init; } = "";

    /// <param name="nativeLibrary">Explicit librdkafka file, or null for the packaged one that loads here.</param>
    /// <exception cref="BrokerStartupException">librdkafka, its client handle or the cluster could not be created.</exception>
    public static MockCluster Create(int brokerCount, string? debugContexts, string? nativeLibrary, ILogger logger)
    {
        var library = $"librdkafka {LibRdKafkaVersion(nativeLibrary, out var path)} from {path}";
        var errstr = new byte[512];
        var conf = LibRdKafka.rd_kafka_conf_new();
        var handle = GCHandle.Alloc(logger);
        IntPtr rk = IntPtr.Zero;
        try
        {
            if (!string.IsNullOrEmpty(debugContexts) &&
                LibRdKafka.rd_kafka_conf_set(conf, "debug", debugContexts, errstr, (nuint)errstr.Length) != LibRdKafka.ConfOk)
                throw new BrokerStartupException(ExitCodes.InvalidOptions, $"LocalBroker:Debug '{debugContexts}': {Text(errstr)}");
            LibRdKafka.rd_kafka_conf_set_opaque(conf, GCHandle.ToIntPtr(handle));
            LibRdKafka.rd_kafka_conf_set_log_cb(conf, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, IntPtr, void>)&OnLog);

            rk = LibRdKafka.rd_kafka_new(LibRdKafka.ProducerType, conf, errstr, (nuint)errstr.Length);
            if (rk == IntPtr.Zero)
                throw new BrokerStartupException(ExitCodes.MockClusterFailed, $"rd_kafka_new failed: {Text(errstr)}");
            conf = IntPtr.Zero; // owned by rk from here on

            var cluster = LibRdKafka.rd_kafka_mock_cluster_new(rk, brokerCount);
            if (cluster == IntPtr.Zero)
                throw new BrokerStartupException(ExitCodes.MockClusterFailed, $"rd_kafka_mock_cluster_new({brokerCount}) failed (see the librdkafka log above)");
            return new MockCluster(rk, cluster, handle, brokerCount) { Library = library };
        }
        catch
        {
            if (rk != IntPtr.Zero) LibRdKafka.rd_kafka_destroy(rk);
            if (conf != IntPtr.Zero) LibRdKafka.rd_kafka_conf_destroy(conf);
            handle.Free();
            throw;
        }
    }

    static string LibRdKafkaVersion(string? nativeLibrary, out string path)
    {
        path = LibRdKafkaLoader.Load(nativeLibrary);
        return LibRdKafka.Version();
    }

    /// <summary>Real port of mock broker <paramref name="brokerId"/> (1-based), parsed from the bootstraps.</summary>
    public int NativePort(int brokerId)
    {
        var entry = NativeBootstraps.Split(',')[brokerId - 1];
        return int.Parse(entry[(entry.LastIndexOf(':') + 1)..]);
    }

    /// <summary>Tells clients (in metadata) to reach broker <paramref name="brokerId"/> at host:port.</summary>
    public void AdvertiseBroker(int brokerId, string host, int port) =>
        LibRdKafka.rd_kafka_mock_broker_set_host_port(cluster, brokerId, host, port);

    /// <exception cref="BrokerStartupException">The mock refused the topic.</exception>
    public void CreateTopic(string name, int partitions)
    {
        int err = LibRdKafka.rd_kafka_mock_topic_create(cluster, name, partitions, Math.Min(BrokerCount, 3));
        if (err != 0)
            throw new BrokerStartupException(ExitCodes.MockClusterFailed,
                $"creating topic {name} with {partitions} partitions failed: {LibRdKafka.ErrorText(err)}");
    }

    public void SetGroupInitialRebalanceDelay(int ms) => LibRdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, ms);

    public void SetConsumerGroupTimeouts(int sessionTimeoutMs, int heartbeatIntervalMs)
    {
        LibRdKafka.rd_kafka_mock_set_group_consumer_session_timeout_ms(cluster, sessionTimeoutMs);
        LibRdKafka.rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(cluster, heartbeatIntervalMs);
    }

    public void Dispose()
    {
        if (!loggerHandle.IsAllocated) return;
        LibRdKafka.rd_kafka_mock_cluster_destroy(cluster);
        LibRdKafka.rd_kafka_destroy(rk);
        loggerHandle.Free();
    }

    static string Text(byte[] errstr) => Encoding.UTF8.GetString(errstr, 0, Math.Max(0, Array.IndexOf(errstr, (byte)0)));

    /// <summary>librdkafka's log callback (called on its own threads): forwards to the ILogger in the opaque.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static void OnLog(IntPtr rk, int level, IntPtr facility, IntPtr message)
    {
        try
        {
            var opaque = LibRdKafka.rd_kafka_opaque(rk);
            if (opaque == IntPtr.Zero || GCHandle.FromIntPtr(opaque).Target is not ILogger logger) return;
            var fac = Marshal.PtrToStringUTF8(facility) ?? "";
            var text = Marshal.PtrToStringUTF8(message) ?? "";
            // The owning handle is deliberately not connected to any cluster; its warning about that is noise.
            var logLevel = fac == "CONFWARN" && text.Contains("bootstrap.servers") ? LogLevel.Debug : FromSyslog(level);
            logger.Log(logLevel, "librdkafka {Facility}: {Message}", fac, text);
        }
        catch
        {
            // An exception must never unwind into native code; a lost log line is the lesser harm.
        }
    }

    static LogLevel FromSyslog(int level) => level switch
    {
        <= 2 => LogLevel.Critical,
        3 => LogLevel.Error,
        4 => LogLevel.Warning,
        5 or 6 => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
