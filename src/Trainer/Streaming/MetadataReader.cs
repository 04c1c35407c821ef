using System.Collections.Concurrent;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Trainer.Online;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer.Streaming;

/// <summary>
/// Reads the member, song and song-extra topics from the beginning with a group-less consumer (every
/// Trainer needs all of it; nothing to commit) on its own thread, and hands the records to the
/// training thread through a queue (the feature space is not thread-safe). CaughtUp is set once it
/// has read up to the end offsets the topics had when it started.
/// </summary>
public sealed class MetadataReader : IDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    readonly ConcurrentQueue<MetadataUpdate> _queue = new();
    readonly ManualResetEventSlim _caughtUp = new();
    readonly KafkaSettings _kafka;
    readonly TrainerSettings _settings;
    readonly DeadLetterSink _deadLetters;
    readonly ILogger _log;
    readonly CancellationTokenSource _stop = new();
    Thread? _thread;
    long _read;

    public MetadataReader(KafkaSettings kafka, TrainerSettings settings, DeadLetterSink deadLetters, ILogger log)
    {
        _kafka = kafka;
        _settings = settings;
        _deadLetters = deadLetters;
        _log = log;
    }

    public long Read => Interlocked.Read(ref _read);

    /// <summary>Set when the reader is stuck (the loop stops with an error); the training thread reports it.</summary>
    public Exception? Failure { get; private set; }

    public bool WaitCaughtUp(TimeSpan timeout, CancellationToken ct) => _caughtUp.Wait(timeout, ct);

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "metadata-reader" };
        _thread.Start();
    }

    /// <summary>Everything read since the last call.</summary>
    public IEnumerable<MetadataUpdate> Drain()
    {
        while (_queue.TryDequeue(out var u)) yield return u;
    }

    void Run()
    {
        try
        {
            // librdkafka wants a group id, but a consumer that only Assigns never joins the group nor commits
            var config = KafkaClientConfigs.Consumer(_kafka, "kkbox-trainer-metadata", "kkbox-trainer-metadata");
            config.EnableAutoCommit = false;
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
            var targets = EndOffsets(consumer);
            consumer.Assign(targets.Keys.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
            var remaining = new HashSet<TopicPartition>(targets.Where(t => t.Value > 0).Select(t => t.Key));
            if (remaining.Count == 0) _caughtUp.Set();
            _log.LogInformation("Reading metadata: {Partitions} partitions, {Records:N0} records to catch up", targets.Count, targets.Values.Sum());
            while (!_stop.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? cr;
                try { cr = consumer.Consume(200); }
                catch (ConsumeException e)
                {
                    _log.LogWarning("Metadata consume error: {Reason}", e.Error.Reason);
                    continue;
                }
                if (cr is null || cr.IsPartitionEOF) continue;
                Handle(cr);
                Interlocked.Increment(ref _read);
                if (remaining.Count > 0 && targets.TryGetValue(cr.TopicPartition, out long end) && cr.Offset.Value + 1 >= end)
                {
                    remaining.Remove(cr.TopicPartition);
                    if (remaining.Count == 0)
                    {
                        _log.LogInformation("Metadata caught up: {Records:N0} records", Read);
                        _caughtUp.Set();
                    }
                }
            }
            consumer.Close();
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            Failure = e;
            _log.LogError(e, "Metadata reader stopped: {Message}", e.Message);
            _caughtUp.Set(); // nobody should wait for it any longer

        }
    }

    Dictionary<TopicPartition, long> EndOffsets(IConsumer<byte[]?, byte[]?> consumer)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(_kafka, "kkbox-trainer-metadata")).Build();
        var result = new Dictionary<TopicPartition, long>();
        foreach (string topic in new[] { _settings.MembersTopic, _settings.SongsTopic, _settings.SongExtrasTopic })
        {
            var meta = admin.GetMetadata(topic, Timeout).Topics.Single();
            if (meta.Error.IsError)
            {
                _log.LogWarning("Metadata topic {Topic} unavailable ({Reason}); listens train with unknown metadata for it", topic, meta.Error.Reason);
                continue;
            }
            foreach (var p in meta.Partitions)
            {
                var tp = new TopicPartition(topic, p.PartitionId);
                result[tp] = consumer.QueryWatermarkOffsets(tp, Timeout).High.Value;
            }
        }
        return result;
    }

    void Handle(ConsumeResult<byte[]?, byte[]?> cr)
    {
        var value = cr.Message.Value;
        if (value is null)
        {
            // a tombstone on a compacted topic: the record was deleted; the features keep what they had
            return;
        }
        string? reason;
        MetadataUpdate? update = null;
        if (cr.Topic == _settings.MembersTopic)
        {
            if (Messages.TryDecode<MemberUpdated>(value, out var m, out reason)) update = new MetadataUpdate.OfMember(m!);
        }
        else if (cr.Topic == _settings.SongsTopic)
        {
            if (Messages.TryDecode<SongUpdated>(value, out var s, out reason)) update = new MetadataUpdate.OfSong(s!);
        }
        else if (Messages.TryDecode<SongExtraUpdated>(value, out var e, out reason))
        {
            update = new MetadataUpdate.OfSongExtra(e!);
        }
        if (update is null) _deadLetters.Send(cr, reason ?? "undecodable");
        else _queue.Enqueue(update);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(15));
        _stop.Dispose();
        _caughtUp.Dispose();
    }
}
