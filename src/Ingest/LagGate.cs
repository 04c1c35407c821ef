using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Ingest;

/// <summary>
/// Pauses the replay while a consumer group is more than MaxLag listens behind the end of the
/// listens topic, so the producer never outruns its consumers (nor the local broker's ~5 MiB per
/// partition of retention). Lag = sum over partitions of (high watermark - committed offset); a
/// partition the group never committed counts from its low watermark. A paused replay resumes once
/// the lag is back under half of MaxLag, so it does not flap at the threshold.
/// </summary>
public sealed class LagGate : IDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    readonly IConsumer<byte[], byte[]>? _probe;
    readonly List<TopicPartition> _partitions = new();
    readonly long _maxLag;
    readonly string _group;
    readonly ILogger _log;
    readonly Stopwatch _sinceCheck = Stopwatch.StartNew();

    public TimeSpan Paused { get; private set; }
    public long LastLag { get; private set; }

    public LagGate(KafkaSettings kafka, string group, long maxLag, ILogger log)
    {
        _maxLag = maxLag;
        _group = group;
        _log = log;
        if (maxLag <= 0) return;
        // A consumer in the group that never subscribes: it reads the group's commits without joining it.
        // librdkafka's own log (a retry line every 50 ms while the broker is away) goes to the logger at
        // debug level; what fails reaches the caller as an exception.
        _probe = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka, group, "kkbox-ingest-lag"))
            .SetLogHandler((_, m) => log.LogDebug("librdkafka: {Message}", m.Message)).Build();
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "kkbox-ingest-lag"))
            .SetLogHandler((_, m) => log.LogDebug("librdkafka: {Message}", m.Message)).Build();
        var topic = admin.GetMetadata(Topics.Listens, Timeout).Topics.Single();
        if (topic.Error.IsError) throw new KafkaException(topic.Error);
        _partitions.AddRange(topic.Partitions.Select(p => new TopicPartition(Topics.Listens, p.PartitionId)));
    }

    public long Lag()
    {
        if (_probe is null) return 0;
        var committed = _probe.Committed(_partitions, Timeout).ToDictionary(c => c.Partition.Value, c => c.Offset);
        long lag = 0;
        foreach (var tp in _partitions)
        {
            var marks = _probe.QueryWatermarkOffsets(tp, Timeout);
            long from = committed.TryGetValue(tp.Partition.Value, out var c) && c != Offset.Unset ? c.Value : marks.Low.Value;
            lag += Math.Max(0, marks.High.Value - from);
        }
        return LastLag = lag;
    }

    /// <summary>Called on the replay thread between events; checks at most every 100 ms, blocks while lagging.</summary>
    public void Wait(CancellationToken ct)
    {
        if (_probe is null || _sinceCheck.ElapsedMilliseconds < 100) return;
        _sinceCheck.Restart();
        if (Lag() <= _maxLag) return;
        var paused = Stopwatch.StartNew();
        _log.LogInformation("Pausing: group {Group} is {Lag:N0} listens behind (max {MaxLag:N0})", _group, LastLag, _maxLag);
        while (!ct.IsCancellationRequested && Lag() > _maxLag / 2)
            ct.WaitHandle.WaitOne(200);
        Paused += paused.Elapsed;
        _log.LogInformation("Resuming after {Seconds:F1} s: group {Group} is {Lag:N0} listens behind", paused.Elapsed.TotalSeconds, _group, LastLag);
    }

    public void Dispose() => _probe?.Dispose();
}
