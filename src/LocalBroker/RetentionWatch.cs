using Confluent.Kafka;
using KkboxNcf.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KkboxNcf.LocalBroker;

/// <summary>
/// The mock keeps at most ~5 MiB or 100,000 batches per partition and drops the oldest batches
/// silently (hard-coded in librdkafka). This watch makes the loss visible: it polls each partition's
/// low watermark through the broker and logs a warning, with the count and the partition, whenever
/// the head of a partition was dropped. Consumers that had not read those messages lost them.
/// </summary>
public sealed class RetentionWatch(BrokerReadiness readiness, IOptions<LocalBrokerOptions> options, ILogger<RetentionWatch> logger)
    : BackgroundService
{
    readonly Dictionary<(string Topic, int Partition), long> lowWatermarks = [];

    long droppedTotal;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.RetentionCheckIntervalMs);
        if (interval <= TimeSpan.Zero) return;
        string bootstrap = await readiness.WhenReady.WaitAsync(ct);
        try
        {
            await WatchAsync(bootstrap, interval, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The watch is a diagnostic: losing it must not take the broker down.
            logger.LogError(e, "retention watch stopped; dropped messages will no longer be reported");
        }
    }

    async Task WatchAsync(string bootstrap, TimeSpan interval, CancellationToken ct)
    {
        // These clients load librdkafka through Confluent.Kafka, which falls back to a loadable file
        // by itself (its explicit Library.Load needs an unversioned libdl.so that Debian 12 lacks).
        var settings = new KafkaSettings { BootstrapServers = bootstrap };
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(settings, "local-broker-retention-watch")).Build();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaClientConfigs.Consumer(settings, "local-broker-retention-watch", "local-broker-retention-watch")).Build();
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                Check(admin, consumer);
            }
            catch (KafkaException e)
            {
                logger.LogWarning("retention check failed (will retry): {Error}", e.Error);
            }
        }
    }

    void Check(IAdminClient admin, IConsumer<Ignore, Ignore> consumer)
    {
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        foreach (var topic in metadata.Topics)
        foreach (var partition in topic.Partitions)
        {
            var low = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), TimeSpan.FromSeconds(5)).Low.Value;
            var key = (topic.Topic, partition.PartitionId);
            long before = lowWatermarks.GetValueOrDefault(key, 0);
            if (low <= before) continue;
            lowWatermarks[key] = low;
            droppedTotal += low - before;
            logger.LogWarning(
                "local broker retention dropped {Dropped:N0} messages from {Topic}[{Partition}] (offsets {From}..{To}): a partition keeps ~5 MiB or " +
                "100,000 batches; consumers that had not read them lost them. Slow the producer down or spread the data over more partitions. ({Total:N0} dropped since start)",
                low - before, topic.Topic, partition.PartitionId, before, low - 1, droppedTotal);
        }
    }
}
