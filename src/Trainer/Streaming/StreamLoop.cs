using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Hosting;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Models;
using KkboxNcf.Trainer.Checkpointing;
using KkboxNcf.Trainer.Metrics;
using KkboxNcf.Trainer.Online;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer.Streaming;

/// <summary>
/// The Trainer's main loop: resume from the newest good checkpoint, read the listens topic in
/// micro-batches (seeking each assigned partition to the checkpoint's offset), join metadata, score
/// and train, publish metrics, and checkpoint every N events or T seconds and at the end. Training
/// runs on the calling thread; the next batch is read and prepared beside it (PrepareAhead).
/// Offsets are committed to the group only after the checkpoint holding them is durable, and on
/// restart the checkpoint, not the group, says where to start: each event is trained on once.
/// </summary>
public sealed class StreamLoop(TrainerSettings settings, KafkaSettings kafka, ServiceHealth health, ILogger<StreamLoop> log)
{
    readonly Dictionary<int, long> _next = new();
    readonly Dictionary<int, ListenMark> _marks = new();
    // --rebase: per partition, the last row the resumed checkpoint trained on; listens up to it are skipped
    readonly Dictionary<int, long> _skipThrough = new();
    long _skipped;
    // the offsets of the batch being read (on the reading thread, which also runs the assignment handler)
    Dictionary<int, long>? _reading;
    // the batch trained last, its scores not yet in the online metrics (the next read-ahead adds them)
    ScoredBatch? _unrecorded;
    volatile string? _clusterChanged;
    readonly Stopwatch _sinceCheckpoint = new();
    OnlineTrainer? _trainer;
    CheckpointManifest? _lastCheckpoint;
    (string Path, string Sha256)? _resumedFile;
    long _modelVersion, _checkpointPosition, _nextMetricsAt;
    readonly Stopwatch _runClock = new();
    long _startPosition;

    /// <summary>Runs until stop is cancelled (finishing the batch in hand) or StopAfterEvents; writes a final checkpoint.</summary>
    public void Run(CancellationToken stop)
    {
        // OpenMP's thread count is per calling thread: set it on the thread that trains
        if (settings.TorchThreads > 0) TorchSharp.torch.set_num_threads(settings.TorchThreads);
        var store = new CheckpointStore(settings.CheckpointDirectory, settings.KeepCheckpoints, log);
        Resume(store);
        var trainer = _trainer!;
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka, "kkbox-trainer")).Build();
        var deadLetters = new DeadLetterSink(producer, settings.DeadLettersTopic, log);
        // A crash between a checkpoint's write and its announcement's delivery loses the announcement, and
        // a Trainer that resumes at the stream's end writes no new one: announce the resumed checkpoint
        // again (the Scorer ignores a version it already has).
        if (_resumedFile is { } file && _lastCheckpoint is { } resumedFrom)
        {
            log.LogInformation("Announcing the resumed checkpoint {Version} again", resumedFrom.ModelVersion);
            Announce(producer, resumedFrom, file.Path, file.Sha256);
        }
        using var metrics = new MetricsPublisher(settings.MetricsPath, producer, settings.MetricsTopic, log);
        using var metadata = new MetadataReader(kafka, settings, deadLetters, log);
        metadata.Start();
        if (!metadata.WaitCaughtUp(TimeSpan.FromSeconds(settings.MetadataCatchUpSeconds), stop))
            log.LogWarning("Metadata not caught up after {Seconds} s; starting anyway (late metadata updates the join)", settings.MetadataCatchUpSeconds);

        var config = KafkaClientConfigs.Consumer(kafka, settings.GroupId, "kkbox-trainer");
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        // An offset the broker does not have is never jumped over silently: it means listens were lost
        // (retention) or the broker lost the topic (reset); Collect stops with BrokerResetException.
        config.AutoOffsetReset = AutoOffsetReset.Error;
        VerifyOffsets(config);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) => partitions.Select(tp =>
            {
                // (re)assigned while a batch is read: after what that batch already holds
                var offset = _reading is { } reading && reading.TryGetValue(tp.Partition.Value, out long r) ? new Offset(r)
                    : _next.TryGetValue(tp.Partition.Value, out long o) ? new Offset(o) : Offset.Beginning;
                log.LogInformation("Assigned {Topic}[{Partition}], starting at {Offset}", tp.Topic, tp.Partition.Value, offset);
                return new TopicPartitionOffset(tp, offset);
            }))
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal) health.Report($"Kafka fatal error: {e.Reason}");
                log.LogWarning("Kafka error {Code}: {Reason}", e.Code, e.Reason);
            })
            .SetLogHandler((_, m) =>
            {
                // a broker at the same address answering with another cluster id: a restarted local broker
                // (empty); seen even while the consumer is not fetching (e.g. rejoining its group)
                if (m.Facility == "CLUSTERID") _clusterChanged = m.Message;
                if (m.Level <= SyslogLevel.Warning) log.LogWarning("librdkafka {Facility}: {Message}", m.Facility, m.Message);
                else log.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message);
            })
            .Build();
        // resumed at StopAfterEvents: nothing to read, and closing a consumer still joining its group can hang
        if (!Done(trainer)) consumer.Subscribe(settings.ListensTopic);
        _sinceCheckpoint.Restart();
        _runClock.Start();
        _startPosition = trainer.Position;
        _nextMetricsAt = (trainer.Position / settings.MetricsEveryEvents + 1) * settings.MetricsEveryEvents;
        log.LogInformation("Training from {Topic} as group {Group} at stream position {Position:N0} (model version {Version}, {Threads} torch threads)",
            settings.ListensTopic, settings.GroupId, trainer.Position, _modelVersion, TorchSharp.torch.get_num_threads());

        // While a batch trains, a pool thread adds the previous batch's scores to the online metrics
        // (OnlineTrainer.Record), then reads, decodes, joins and encodes the next batch (Prepare); scoring
        // it waits for the training, as the prequential order requires. A checkpoint is written only between
        // batches with nothing read ahead and every trained batch recorded, so it never holds part of the
        // next batch and never misses the last one's metrics.
        Ahead? ahead = null;
        Task<Ahead>? reading = null;
        try
        {
            while (ahead is not null || (!stop.IsCancellationRequested && !Done(trainer)))
            {
                if (_clusterChanged is { } changed)
                    throw new BrokerResetException($"the broker at {kafka.BootstrapServers} is another cluster now, its topics start over (librdkafka: {changed}). {RecoveryHint()}");
                var current = ahead ?? ReadAhead(consumer, deadLetters, metadata, stop, trainer);
                ahead = null;
                Accept(current);
                if (metadata.Failure is { } failure) health.Report($"metadata reader stopped: {failure.Message}");
                bool checkpointDue;
                if (current.Batch is { } prepared)
                {
                    var scored = trainer.Score(prepared);
                    checkpointDue = CheckpointDue(trainer);
                    var trained = _unrecorded;
                    _unrecorded = null;
                    if (settings.PrepareAhead && !checkpointDue && !stop.IsCancellationRequested && !Done(trainer))
                        reading = Task.Run(() =>
                        {
                            if (trained is not null) trainer.Record(trained);
                            return ReadAhead(consumer, deadLetters, metadata, stop, trainer);
                        });
                    else if (trained is not null)
                        trainer.Record(trained);
                    var result = trainer.Train(scored);
                    _unrecorded = scored;
                    if (reading is not null)
                    {
                        var waited = Stopwatch.StartNew();
                        ahead = reading.GetAwaiter().GetResult();
                        reading = null;
                        Stats.WaitSeconds += waited.Elapsed.TotalSeconds;
                    }
                    Stats.Add(result);
                    log.LogDebug("Batch: {Events} events, {Trained} trained, loss {Loss:F4}, {Pending} pending", result.Events, result.Trained, result.Loss, result.Pending);
                    if (trainer.Position >= _nextMetricsAt)
                    {
                        RecordTrained(trainer);
                        metrics.Publish(Snapshot(trainer, deadLetters));
                        _nextMetricsAt = (trainer.Position / settings.MetricsEveryEvents + 1) * settings.MetricsEveryEvents;
                    }
                }
                else
                {
                    checkpointDue = CheckpointDue(trainer);
                }
                if (checkpointDue && ahead is null)
                {
                    RecordTrained(trainer);
                    Checkpoint(store, consumer, producer, metrics, deadLetters, trainer);
                }
            }
            RecordTrained(trainer);
            // graceful end: the batch in hand was processed above; make everything durable
            if ((trainer.Position > _checkpointPosition || _lastCheckpoint is null) && !Checkpoint(store, consumer, producer, metrics, deadLetters, trainer))
                throw new IOException($"the final checkpoint could not be written to {store.Directory} (see the error above); " +
                    $"checkpoint {_modelVersion} is the newest, the listens after position {_checkpointPosition:N0} will be trained again from it");
            log.LogInformation("Stopped at stream position {Position:N0}: {Trained:N0} trained, {Dead:N0} dead letters, {Skipped:N0} skipped as already trained (rebase), AUC {Auc:F4}",
                trainer.Position, trainer.Trained, deadLetters.Count, _skipped, trainer.Metrics.Cumulative.Auc);
        }
        finally
        {
            // a failed training step must not close the consumer under the batch being read ahead
            if (reading is not null)
                try { reading.Wait(); }
                catch (AggregateException) { }
            consumer.Close();
            producer.Flush(TimeSpan.FromSeconds(10));
            trainer.Dispose();
        }
    }

    /// <summary>Adds the last trained batch to the online metrics if the read-ahead has not (before metrics or a checkpoint are written).</summary>
    void RecordTrained(OnlineTrainer trainer)
    {
        if (_unrecorded is null) return;
        trainer.Record(_unrecorded);
        _unrecorded = null;
    }

    /// <summary>Counts and time of the batches this loop trained (the stream-train benchmark reads them).</summary>
    public StreamLoopStats Stats { get; } = new();

    bool CheckpointDue(OnlineTrainer trainer) =>
        trainer.Position - _checkpointPosition >= settings.CheckpointEveryEvents ||
        (_sinceCheckpoint.Elapsed.TotalSeconds >= settings.CheckpointEverySeconds && trainer.Position > _checkpointPosition);

    /// <summary>
    /// Listens read for one micro-batch, prepared (null when none arrived), with the offset to read next
    /// and the last listen of every partition it read from. These reach the checkpoint state only when the
    /// batch is taken up (Accept), so a batch read ahead is never counted before it is trained.
    /// </summary>
    sealed record Ahead(PreparedBatch? Batch, Dictionary<int, long> Next, Dictionary<int, ListenMark> Marks);

    /// <summary>Reads a micro-batch, applies the metadata that arrived meanwhile, prepares the batch (ids and encoding).</summary>
    Ahead ReadAhead(IConsumer<byte[]?, byte[]?> consumer, DeadLetterSink deadLetters, MetadataReader metadata, CancellationToken stop, OnlineTrainer trainer)
    {
        var next = new Dictionary<int, long>();
        var marks = new Dictionary<int, ListenMark>();
        _reading = next;
        List<ListenRecorded> listens;
        try { listens = Collect(consumer, deadLetters, stop, trainer, next, marks); }
        finally { _reading = null; }
        foreach (var update in metadata.Drain()) trainer.ApplyMetadata(update);
        return new Ahead(listens.Count > 0 ? trainer.Prepare(listens) : null, next, marks);
    }

    void Accept(Ahead batch)
    {
        foreach (var (p, o) in batch.Next) _next[p] = o;
        foreach (var (p, m) in batch.Marks) _marks[p] = m;
        if (batch.Batch is not null && Stats.FirstBatch is null) Stats.FirstBatch = Stopwatch.StartNew();
    }

    /// <summary>
    /// Before reading on from a checkpoint: the broker must still hold, at each partition's recorded
    /// offset, the listen the checkpoint last read there (same row). A broker that lost the topic (a local
    /// broker restarts empty) fails this, and so does one whose topic was replayed again since; the
    /// Trainer then stops rather than skip or re-read listens. With --rebase it reads every partition
    /// from its start and skips the rows it already trained instead.
    /// </summary>
    void VerifyOffsets(ConsumerConfig config)
    {
        if (_marks.Count == 0 && _next.Count == 0) return;
        if (settings.Rebase)
        {
            foreach (var (p, m) in _marks)
            {
                _skipThrough[p] = m.Row;
                _marks[p] = m with { Offset = -1 }; // the row carries over to the next checkpoint; the old offset means nothing now
            }
            _next.Clear();
            log.LogWarning("Rebase: reading {Topic} from the start of every partition, skipping listens up to the checkpoint's last rows ({Rows}); replay Ingest from row {Row} or earlier",
                settings.ListensTopic, string.Join(", ", _skipThrough.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}")), FirstRowNeeded());
            return;
        }
        using var probe = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig(config) { GroupId = $"{settings.GroupId}-verify", EnablePartitionEof = true }).Build();
        var problems = new List<string>();
        foreach (var (p, next) in _next.OrderBy(kv => kv.Key))
        {
            var tp = new TopicPartition(settings.ListensTopic, p);
            var marks = probe.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            if (next > marks.High.Value) { problems.Add($"partition {p}: resume offset {next:N0} is past its end ({marks.High.Value:N0})"); continue; }
            if (!_marks.TryGetValue(p, out var mark)) continue;
            // dropped by retention since (nothing to compare, the offsets still go forward), or a rebased partition not read yet
            if (mark.Offset < marks.Low.Value || mark.Offset < 0) continue;
            probe.Assign(new TopicPartitionOffset(tp, mark.Offset));
            ConsumeResult<byte[]?, byte[]?>? cr = null;
            var deadline = Stopwatch.StartNew();
            while (cr is null && deadline.Elapsed < TimeSpan.FromSeconds(10))
                if (probe.Consume(200) is { IsPartitionEOF: false } r) cr = r;
            probe.Unassign();
            if (cr is null || cr.Message.Value is not { } v || !Messages.TryDecode<ListenRecorded>(v, out var listen, out _) || listen!.Row != mark.Row)
                problems.Add($"partition {p}: offset {mark.Offset:N0} should hold row {mark.Row:N0}, holds {(cr is null ? "nothing" : "another message")}");
        }
        if (problems.Count > 0)
            throw new BrokerResetException($"checkpoint {_modelVersion} does not match {settings.ListensTopic} on {kafka.BootstrapServers} " +
                $"({string.Join("; ", problems)}): the broker lost the topic or it was replayed again. {RecoveryHint()}");
    }

    long FirstRowNeeded() => _marks.Count == 0 ? 1 : _marks.Values.Min(m => m.Row) + 1;

    string RecoveryHint() =>
        $"Recovery (README, Failure modes): replay the listens again (Ingest --from-row {FirstRowNeeded()} or earlier) and restart the Trainer once with --rebase, " +
        "which skips what checkpoint already trained";

    bool Done(OnlineTrainer t) => settings.StopAfterEvents > 0 && t.Position >= settings.StopAfterEvents;

    void Resume(CheckpointStore store)
    {
        var options = settings.Online;
        var resumed = store.LoadNewest(contents => (Trainer: OnlineTrainer.Restore(options, contents), File: (contents.Path, contents.Sha256)));
        if (resumed is { } r)
        {
            _trainer = r.State.Trainer;
            _resumedFile = r.State.File;
            _lastCheckpoint = r.Manifest;
            _modelVersion = r.Manifest.ModelVersion;
            _checkpointPosition = r.Manifest.StreamPosition;
            foreach (var (p, o) in r.Manifest.Offsets) _next[p] = o;
            foreach (var (p, m) in r.Manifest.LastListens ?? new Dictionary<int, ListenMark>()) _marks[p] = m;
            if (r.Manifest.Topic != settings.ListensTopic)
                throw new InvalidOperationException($"checkpoint {_modelVersion} was trained on topic {r.Manifest.Topic}, the Trainer reads {settings.ListensTopic}");
            log.LogInformation("Resumed from checkpoint {Version}: position {Position:N0}, {Trained:N0} trained, {Pending} pending, offsets {Offsets}",
                _modelVersion, r.Manifest.StreamPosition, r.Manifest.EventsTrained, r.Manifest.EventsPending,
                string.Join(", ", r.Manifest.Offsets.Select(o => $"{o.Key}:{o.Value}")));
        }
        else if (settings.WarmStart is { } path)
        {
            _trainer = OnlineTrainer.WarmStart(options, ModelBundle.Load(path));
            log.LogInformation("No checkpoint{Skipped}; warm start from {Path}", store.Skipped > 0 ? $" that verifies ({store.Skipped} skipped)" : "", path);
        }
        else
        {
            _trainer = OnlineTrainer.Create(options);
            log.LogInformation("No checkpoint{Skipped}; a new {Kind} model", store.Skipped > 0 ? $" that verifies ({store.Skipped} skipped)" : "", options.Kind);
        }
    }

    /// <summary>
    /// Up to BatchSize listens; with BatchMaxWaitMs the batch closes that long after its first listen.
    /// When stop is requested the batch in hand is returned as it is (and processed). Where each
    /// partition stands after the batch goes to next and marks.
    /// </summary>
    List<ListenRecorded> Collect(IConsumer<byte[]?, byte[]?> consumer, DeadLetterSink deadLetters, CancellationToken stop, OnlineTrainer trainer,
        Dictionary<int, long> next, Dictionary<int, ListenMark> marks)
    {
        var batch = new List<ListenRecorded>(settings.BatchSize);
        long limit = settings.StopAfterEvents > 0 ? settings.StopAfterEvents - trainer.Position : long.MaxValue;
        Stopwatch? sinceFirst = null;
        while (batch.Count < settings.BatchSize && batch.Count < limit && !stop.IsCancellationRequested && _clusterChanged is null)
        {
            int wait = 100;
            if (sinceFirst is not null && settings.BatchMaxWaitMs > 0)
            {
                long left = settings.BatchMaxWaitMs - sinceFirst.ElapsedMilliseconds;
                if (left <= 0) break;
                wait = (int)Math.Min(wait, left);
            }
            ConsumeResult<byte[]?, byte[]?>? cr;
            try { cr = consumer.Consume(wait); }
            catch (ConsumeException e)
            {
                if (e.Error.IsFatal) throw;
                if (e.Error.Code == ErrorCode.Local_AutoOffsetReset)
                    throw new BrokerResetException($"{settings.ListensTopic}: the offset to read next is not on the broker ({e.Error.Reason}); " +
                        $"listens were dropped before training or the broker lost the topic. {RecoveryHint()}");
                log.LogWarning("Consume error: {Reason}", e.Error.Reason);
                continue;
            }
            if (cr is null || cr.IsPartitionEOF)
            {
                // nothing arrived: a batch waiting for its time bound stays open; an empty one lets the loop check the clocks
                if (batch.Count == 0) break;
                continue;
            }
            next[cr.Partition.Value] = cr.Offset.Value + 1;
            string? reason = "listen without a value";
            if (cr.Message.Value is { } value && Messages.TryDecode<ListenRecorded>(value, out var listen, out reason))
            {
                if (_skipThrough.TryGetValue(cr.Partition.Value, out long through) && listen!.Row <= through)
                {
                    _skipped++;
                    continue;
                }
                marks[cr.Partition.Value] = new ListenMark(cr.Offset.Value, listen!.Row);
                batch.Add(listen!);
                sinceFirst ??= Stopwatch.StartNew();
            }
            else
            {
                deadLetters.Send(cr, reason ?? "undecodable");
            }
        }
        return batch;
    }

    /// <summary>Writes, commits and announces a checkpoint; false (logged, health reported) when it could not be written.</summary>
    bool Checkpoint(CheckpointStore store, IConsumer<byte[]?, byte[]?> consumer, IProducer<byte[]?, byte[]?> producer,
        MetricsPublisher metrics, DeadLetterSink deadLetters, OnlineTrainer trainer)
    {
        var clock = Stopwatch.StartNew();
        long version = _modelVersion + 1;
        var snapshot = Snapshot(trainer, deadLetters) with { ModelVersion = version };
        var offsets = new Dictionary<int, long>(_next);
        var manifest = new CheckpointManifest(version, settings.ListensTopic, offsets, trainer.Position, trainer.Trained, trainer.Pending,
            trainer.Model.Kind.ToString().ToLowerInvariant(), snapshot.Headline(), snapshot.TimeMs, new Dictionary<int, ListenMark>(_marks));
        string path, sha;
        try
        {
            (path, sha) = store.Write(version, [new CheckpointSection(CheckpointManifest.SectionName, manifest.Write), .. trainer.Sections()]);
        }
        catch (IOException e)
        {
            health.Report($"checkpoint write failed: {e.Message}");
            log.LogError("Checkpoint {Version} could not be written ({Reason}); checkpoint {Previous} stays the newest, offsets stay uncommitted, retrying at the next interval",
                version, e.Message, _modelVersion);
            _sinceCheckpoint.Restart();
            return false;
        }
        _modelVersion = version;
        _checkpointPosition = trainer.Position;
        _lastCheckpoint = manifest;
        _sinceCheckpoint.Restart();
        double seconds = clock.Elapsed.TotalSeconds;
        health.Recovered();

        // Durable: now the group may learn the offsets (for lag monitoring and pacing; the checkpoint is what resume uses).
        if (offsets.Count > 0)
        {
            try { consumer.Commit(offsets.Select(o => new TopicPartitionOffset(settings.ListensTopic, o.Key, o.Value))); }
            catch (KafkaException e) { log.LogWarning("Offsets of checkpoint {Version} not committed: {Reason}", version, e.Error.Reason); }
        }
        Announce(producer, manifest, path, sha);
        metrics.Publish(snapshot);
        store.Prune();
        log.LogInformation("Checkpoint {Version} at position {Position:N0} ({Trained:N0} trained, {Pending} pending): {Size:N1} MiB in {Seconds:F2} s, window AUC {Auc:F4}",
            version, trainer.Position, trainer.Trained, trainer.Pending, new FileInfo(path).Length / 1048576.0, seconds, snapshot.WindowAuc ?? double.NaN);
        return true;
    }

    /// <summary>Sends CheckpointPublished for a checkpoint on the checkpoints topic (delivery failures are logged).</summary>
    void Announce(IProducer<byte[]?, byte[]?> producer, CheckpointManifest manifest, string path, string sha)
    {
        long version = manifest.ModelVersion;
        var announcement = new CheckpointPublished(version, Path.GetFullPath(path), sha,
            manifest.Offsets.OrderBy(o => o.Key).Select(o => new PartitionOffset(o.Key, o.Value)).ToArray(),
            manifest.StreamPosition, manifest.Metrics, manifest.CreatedAtMs);
        producer.Produce(settings.CheckpointsTopic, new Message<byte[]?, byte[]?> { Key = "trainer"u8.ToArray(), Value = Messages.Encode(announcement) }, r =>
        {
            if (r.Error.IsError) log.LogError("Checkpoint {Version} announcement not delivered: {Reason}", version, r.Error.Reason);
        });
    }

    MetricsSnapshot Snapshot(OnlineTrainer trainer, DeadLetterSink deadLetters)
    {
        double seconds = _runClock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? (trainer.Position - _startPosition) / seconds : double.NaN;
        return MetricsSnapshot.Of(trainer, _modelVersion, deadLetters.Count, rate, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
