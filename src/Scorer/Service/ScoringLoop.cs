using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Hosting;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Lists;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Redis;
using KkboxNcf.Scorer.Scoring;
using KkboxNcf.Scorer.Serving;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Service;

/// <summary>
/// The Scorer's work, on one thread (TorchSharp scopes never cross an await, and the state needs no
/// locks): follows the checkpoints topic and loads each newer model in the background beside the one
/// in use; once loaded, re-scores every member this instance owns with it, block by block (the old
/// lists stay in Redis until each is replaced whole, so there is never a gap, and each list comes from
/// one model), then moves the current-model pointer. Meanwhile it reads the listens topic in its own
/// consumer group: member history and contexts, popular and rising songs, served quality, and members
/// with new listens, re-scored in micro-batches (the fresh path goes before refresh blocks). Members the
/// model does not know, and every member before the first checkpoint, get popular lists of their tab
/// (marked "popular"), so a member seen in the stream always has lists. Every owned list is rewritten
/// every third of the list TTL, so no list expires while the Scorer runs, checkpoints or not.
/// </summary>
public sealed class ScoringLoop(ScorerSettings settings, KafkaSettings kafka, IConnectionMultiplexer redis, ServiceHealth health, ILogger<ScoringLoop> log)
{
    static readonly byte[] MetricsKey = "scorer"u8.ToArray();
    const int ConsumeBudgetMs = 250;
    readonly ListenCounts _counts = new(settings.RisingHalfLifeListens, settings.CoListenHistory);
    // the co-listen term's neighbours, rebuilt in the background from the members' recent songs
    ItemNeighbours _neighbours = ItemNeighbours.Empty;
    Task<ItemNeighbours>? _neighboursBuild;
    readonly Stopwatch _neighboursClock = new();
    long _neighboursListens;
    PopularLists? _popular;
    ServedQuality? _quality;
    readonly ListScorer _scorer = new(settings.Scoring);
    readonly ListeningContext _fallback = settings.Fallback;
    readonly ListeningContext? _discover = settings.Scoring.Discover;
    readonly ListWriter _writer = new(redis.GetDatabase(), new RedisKeys(settings.KeyPrefix), settings.ListTtl, settings.WriteBatch);
    readonly Dictionary<string, List<long>> _dirty = new(StringComparer.Ordinal);
    // members in the order they got new listens, with when: the fresh path takes the oldest first (a
    // dictionary's order reuses freed slots, so picking from it let new members overtake old ones)
    readonly Queue<(string Msno, long SinceMs)> _dirtyOrder = new();
    readonly long _startedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    PartitionOwnership _ownership = new(1);
    ScoringModel? _model;
    List<string> _refresh = [];
    int _refreshAt;
    Stopwatch _refreshClock = new();
    // since the last full rewrite was queued: lists are rewritten every third of their TTL
    readonly Stopwatch _sinceRewrite = Stopwatch.StartNew();
    Task<ScoringModel>? _loading;
    IReadOnlyList<string>? _extras;
    readonly Stopwatch _extrasClock = new();
    CheckpointPublished? _loadingAnnouncement, _newest;
    long _servingVersion = -1, _deadLetters, _failedCheckpoints;
    IProducer<byte[]?, byte[]?>? _producer;
    Stopwatch? _redisOutage;
    readonly Stopwatch _sincePing = Stopwatch.StartNew();
    int _backoffMs = MinBackoffMs;
    const int MinBackoffMs = 250, MaxBackoffMs = 8000;
    StreamWriter? _metricsFile;

    /// <summary>Produce-to-list-in-Redis of listens re-scored by the fresh path (listens produced after the Scorer started).</summary>
    public LatencySamples Freshness { get; } = new();

    /// <summary>Produce-to-consumed of the listens read (the broker's share of the freshness; listens produced after the Scorer started).</summary>
    public LatencySamples ConsumeLag { get; } = new();

    /// <summary>The version whose full refresh last completed (-1: none yet). Read from other threads.</summary>
    public long ServingVersion => Interlocked.Read(ref _servingVersion);

    public long ListsWritten => _writer.ListsWritten;

    /// <summary>Lists served again from their last ranking, and (member, song, context) triples the full model scored (read from other threads: approximate).</summary>
    public long ListsReused => _scorer.ListsReused;

    public long PairsScored => _scorer.PairsScored;

    /// <summary>Members with listens not yet reflected in their lists (read from other threads: approximate).</summary>
    public int PendingMembers => _dirty.Count;

    /// <summary>Songs of each list the popular snapshots keep: enough that a member's heard songs rarely empty them.</summary>
    const int PopularDepthMargin = 200;

    PopularLists Popular => _popular ??= new PopularLists(_counts.ByTab, _counts.Trends, settings.K + PopularDepthMargin);

    ServedQuality Quality => _quality ??= new ServedQuality(10, new PopularShadow(Popular, _counts.Activity, _fallback, _discover, settings.ExcludeHeard));

    TimeSpan RewriteEvery => settings.ListTtl / 3;

    public void Run(CancellationToken stop)
    {
        _ownership = new PartitionOwnership(settings.ListensPartitions > 0 ? settings.ListensPartitions : AskPartitions());
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka, "kkbox-scorer")).Build();
        _producer = producer;
        if (!string.IsNullOrEmpty(settings.MetricsFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.MetricsFile))!);
            _metricsFile = new StreamWriter(new FileStream(settings.MetricsFile, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        }
        using var checkpoints = CheckpointsConsumer();
        using var listens = ListensConsumer();
        listens.Subscribe(settings.ListensTopic);
        log.LogInformation("Scorer following {Checkpoints} and {Listens} (group {Group}, {Partitions} partitions); k={K}, C={C}",
            settings.CheckpointsTopic, settings.ListensTopic, settings.GroupId, _ownership.PartitionCount, settings.K, settings.Candidates);
        var metricsClock = Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                PollCheckpoints(checkpoints);
                FinishLoading();
                bool busy = _refreshAt < _refresh.Count || _dirty.Count > 0;
                ConsumeListens(listens, busy ? 0 : 20);
                Popular.Update();
                UpdateNeighbours(stop);
                if (_refreshAt >= _refresh.Count && _sinceRewrite.Elapsed >= RewriteEvery) QueueRefresh(_ownership.Owned, append: false);
                try
                {
                    if (FreshDue())
                        ScoreFresh();
                    else if (_refreshAt < _refresh.Count)
                        RefreshBlock();
                    else if (_redisOutage is not null || _sincePing.ElapsedMilliseconds >= 2000)
                    {
                        // idle: still notice an outage (and its end) without a write to fail
                        _writer.Ping();
                        _sincePing.Restart();
                    }
                    if (_redisOutage is not null) RedisBack();
                    health.Recovered();
                }
                catch (Exception e) when (e is RedisException or TimeoutException or AggregateException { InnerException: RedisException or TimeoutException })
                {
                    RedisDown(e.GetBaseException().Message, stop);
                }
                if (metricsClock.Elapsed.TotalSeconds >= settings.MetricsEverySeconds)
                {
                    PublishMetrics();
                    metricsClock.Restart();
                }
            }
        }
        finally
        {
            PublishMetrics();
            try { listens.Close(); } catch (KafkaException e) { log.LogWarning("Closing the listens consumer: {Reason}", e.Error.Reason); }
            producer.Flush(TimeSpan.FromSeconds(5));
            _metricsFile?.Dispose();
            _model?.Dispose();
            if (_loading is { } l)
            {
                try { l.Wait(TimeSpan.FromSeconds(30)); if (l.IsCompletedSuccessfully) l.Result.Dispose(); }
                catch (AggregateException) { }
            }
        }
    }

    int AskPartitions()
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "kkbox-scorer-admin")).Build();
        var meta = admin.GetMetadata(settings.ListensTopic, TimeSpan.FromSeconds(10));
        var topic = meta.Topics.FirstOrDefault(t => t.Topic == settings.ListensTopic);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            throw new InvalidOperationException($"topic {settings.ListensTopic} not found on {kafka.BootstrapServers}: {topic?.Error.Reason ?? "no metadata"}");
        return topic.Partitions.Count;
    }

    IConsumer<byte[]?, byte[]?> CheckpointsConsumer()
    {
        // every instance reads every announcement from the start: no group, no commits
        var config = KafkaClientConfigs.Consumer(kafka, $"{settings.GroupId}-checkpoints", "kkbox-scorer-checkpoints");
        config.EnableAutoCommit = false;
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(new TopicPartitionOffset(settings.CheckpointsTopic, 0, Offset.Beginning));
        return consumer;
    }

    IConsumer<byte[]?, byte[]?> ListensConsumer() =>
        new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(kafka, settings.GroupId, "kkbox-scorer"))
            .SetPartitionsAssignedHandler((_, partitions) => Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Removed(partitions.Select(p => p.Partition.Value), "revoked"))
            .SetPartitionsLostHandler((_, partitions) => Removed(partitions.Select(p => p.Partition.Value), "lost"))
            .Build();

    IEnumerable<TopicPartitionOffset> Assigned(List<TopicPartition> partitions)
    {
        // KIP-848: only the newly added partitions, sometimes none
        var added = _ownership.Add(partitions.Select(p => p.Partition.Value));
        if (added.Count > 0)
        {
            log.LogInformation("Assigned partitions {Added}; owning {Owned}", string.Join(",", added.Order()), string.Join(",", _ownership.Owned.Order()));
            QueueRefresh(added, append: true);
        }
        var start = settings.ReplayHistory ? Offset.Beginning : Offset.Unset;
        return partitions.Select(p => new TopicPartitionOffset(p, start));
    }

    void Removed(IEnumerable<int> partitions, string how)
    {
        var removed = _ownership.Remove(partitions);
        if (removed.Count == 0) return;
        foreach (var msno in _dirty.Keys.Where(m => removed.Contains(_ownership.PartitionOf(m, _counts.Activity))).ToList()) _dirty.Remove(msno);
        int forgotten = _counts.Activity.Forget(removed);
        log.LogInformation("Partitions {Removed} {How}; owning {Owned}; forgot {Members} members", string.Join(",", removed.Order()), how,
            string.Join(",", _ownership.Owned.Order()), forgotten);
    }

    /// <summary>
    /// Redis refused or timed out: say so once (log and health; the health file stops being refreshed),
    /// then retry with a doubling back-off, 250 ms up to 8 s. The work in hand stays queued.
    /// </summary>
    void RedisDown(string reason, CancellationToken stop)
    {
        if (_redisOutage is null)
        {
            _redisOutage = Stopwatch.StartNew();
            log.LogError("Redis unavailable: {Reason}; lists are not updated, retrying with back-off ({Min} ms up to {Max} s)", reason, MinBackoffMs, MaxBackoffMs / 1000);
        }
        else
            log.LogWarning("Redis still unavailable after {Seconds:F0} s, next try in {Backoff} ms: {Reason}", _redisOutage.Elapsed.TotalSeconds, _backoffMs, reason);
        health.Report($"Redis unavailable for {_redisOutage.Elapsed.TotalSeconds:F0} s: {reason}");
        stop.WaitHandle.WaitOne(_backoffMs);
        _backoffMs = Math.Min(_backoffMs * 2, MaxBackoffMs);
    }

    /// <summary>
    /// Redis answers again. It may have restarted empty (no persistence, or a failover to a replica that
    /// lagged), so every owned member's lists are written again with the model in use.
    /// </summary>
    void RedisBack()
    {
        log.LogWarning("Redis available again after {Seconds:F1} s; rewriting every owned member's lists with model {Version}",
            _redisOutage!.Elapsed.TotalSeconds, _model?.Version);
        _redisOutage = null;
        _backoffMs = MinBackoffMs;
        QueueRefresh(_ownership.Owned, append: false);
    }

    void PollCheckpoints(IConsumer<byte[]?, byte[]?> consumer)
    {
        while (consumer.Consume(0) is { } cr)
        {
            if (cr.IsPartitionEOF) break;
            string? reason = "no value";
            if (cr.Message.Value is not { } value || !Messages.TryDecode<CheckpointPublished>(value, out var announcement, out reason))
            {
                // the decoder's reason goes with the message, so the dead letter says what is wrong with it
                DeadLetterOf(cr, "checkpoint announcement: " + reason);
                continue;
            }
            if (announcement!.ModelVersion > (_newest?.ModelVersion ?? -1)) _newest = announcement;
        }
        if (_loading is null && _newest is { } next && next.ModelVersion > Math.Max(_model?.Version ?? -1, _loadingAnnouncement?.ModelVersion ?? -1))
        {
            _loadingAnnouncement = next;
            log.LogInformation("Loading model {Version} from {Uri}", next.ModelVersion, next.Uri);
            _loading = Task.Run(() => new ScoringModel(next.ModelVersion, CheckpointFile.ReadBundle(next.Uri, next.Sha256)));
        }
    }

    void FinishLoading()
    {
        if (_loading is not { IsCompleted: true } task) return;
        var announcement = _loadingAnnouncement!;
        _loading = null;
        if (!task.IsCompletedSuccessfully)
        {
            _failedCheckpoints++;
            log.LogError("Model {Version} from {Uri} not loaded; keeping model {Current}: {Reason}", announcement.ModelVersion, announcement.Uri,
                _model?.Version, task.Exception?.GetBaseException().Message);
            return;
        }
        var old = _model;
        _model = task.Result;
        old?.Dispose();
        log.LogInformation("Model {Version} loaded ({Users:N0} members, {Songs:N0} songs); refreshing the owned members' lists",
            _model.Version, _model.Users - 1, _model.Songs - 1);
        _extras = null;
        QueueRefresh(_ownership.Owned, append: false);
    }

    /// <summary>Queues every member of the given partitions: the model's members (when there is a model) and members seen in the listens.</summary>
    void QueueRefresh(IReadOnlySet<int> partitions, bool append)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        if (_model is not null)
        {
            var vocab = _model.Features[Field.User];
            for (int row = 1; row < _model.Users; row++)
            {
                string msno = vocab.KeyOf(row);
                if (partitions.Contains(_ownership.PartitionOf(msno, _counts.Activity))) members.Add(msno);
            }
        }
        foreach (var msno in _counts.Activity.Members)
            if (partitions.Contains(_ownership.PartitionOf(msno, _counts.Activity))) members.Add(msno);
        if (!append || _refreshAt >= _refresh.Count)
        {
            _refresh = [];
            _refreshAt = 0;
            _refreshClock = Stopwatch.StartNew();
            _sinceRewrite.Restart();
        }
        _refresh.AddRange(members);
        log.LogInformation("Refresh with {Model}: {Members:N0} members queued", _model is null ? "popular lists (no model yet)" : $"model {_model.Version}", _refresh.Count - _refreshAt);
    }

    /// <summary>
    /// Reads what the consumer has, up to ConsumeBudgetMs. Applying a listen costs microseconds, so
    /// draining keeps the consumer up with the stream however long the scoring between two calls
    /// takes (a cap of 5,000 listens per call let a 10,000/s stream run ahead while a refresh block or
    /// a large fresh batch was scored, and every listen then waited in the broker).
    /// </summary>
    void ConsumeListens(IConsumer<byte[]?, byte[]?> consumer, int waitMs)
    {
        var clock = Stopwatch.StartNew();
        int n = 0;
        while (clock.ElapsedMilliseconds < ConsumeBudgetMs)
        {
            ConsumeResult<byte[]?, byte[]?>? cr;
            try { cr = consumer.Consume(n == 0 ? waitMs : 0); }
            catch (ConsumeException e)
            {
                if (e.Error.IsFatal) throw;
                log.LogWarning("Consume error: {Reason}", e.Error.Reason);
                return;
            }
            if (cr is null || cr.IsPartitionEOF) return;
            n++;
            string? reason = "no value";
            if (cr.Message.Value is { } value && Messages.TryDecode<ListenRecorded>(value, out var listen, out reason))
                Apply(listen!, cr.Partition.Value);
            else
                DeadLetterOf(cr, "listen: " + reason);
            consumer.StoreOffset(cr);
        }
    }

    void Apply(ListenRecorded listen, int partition)
    {
        if (listen.ProducedAtMs >= _startedAtMs) ConsumeLag.Record(Now() - listen.ProducedAtMs);
        Quality.Observe(listen);
        _counts.Record(listen, partition);
        if (!_dirty.TryGetValue(listen.Msno, out var produced))
        {
            _dirty.Add(listen.Msno, produced = []);
            _dirtyOrder.Enqueue((listen.Msno, Environment.TickCount64));
        }
        if (listen.ProducedAtMs >= _startedAtMs) produced.Add(listen.ProducedAtMs);
    }

    /// <summary>
    /// Swaps in the co-listen neighbours when a rebuild finished, and starts the next one when listens
    /// came since the last: once the listens read grew by a quarter since it (so a young stream, where
    /// every listen changes much, gets new neighbours often, and the total cost stays a few builds) or
    /// NeighboursEverySeconds passed. The members' recent songs are copied here, on the loop's thread, and the
    /// neighbours built on another, so scoring goes on meanwhile.
    /// </summary>
    void UpdateNeighbours(CancellationToken stop)
    {
        if (settings.CoListenWeight == 0 && settings.CoListenCandidates == 0) return;
        if (_neighboursBuild is { IsCompleted: true } done)
        {
            _neighboursBuild = null;
            if (done.IsCompletedSuccessfully)
            {
                _neighbours = done.Result;
                log.LogInformation("Co-listen neighbours rebuilt: {Songs} songs of {Members} members in {Seconds:F1} s",
                    _neighbours.Songs, _neighbours.Members, _neighboursClock.Elapsed.TotalSeconds);
            }
            else if (!stop.IsCancellationRequested)
                log.LogWarning("Rebuilding the co-listen neighbours failed, keeping the previous ones: {Reason}", done.Exception?.GetBaseException().Message);
        }
        long listens = _counts.Activity.Listens;
        if (_neighboursBuild is not null || listens == _neighboursListens) return;
        bool grew = listens >= _neighboursListens + Math.Max(1, _neighboursListens / 4);
        if (!grew && _neighboursClock.IsRunning && _neighboursClock.Elapsed.TotalSeconds < settings.NeighboursEverySeconds) return;
        var histories = _counts.Histories();
        _neighboursListens = listens;
        _neighboursClock.Restart();
        int k = settings.Neighbours;
        _neighboursBuild = Task.Run(() => ItemNeighbours.Build(histories, k, stop), stop);
    }

    /// <summary>A fresh batch is due when the oldest member waiting has waited FreshBatchMs, or enough members wait.</summary>
    bool FreshDue()
    {
        if (_dirty.Count == 0) return false;
        if (_dirty.Count >= settings.FreshBatchMembers) return true;
        // entries of members dropped on a revoke are skipped here
        while (_dirtyOrder.TryPeek(out var oldest) && !_dirty.ContainsKey(oldest.Msno)) _dirtyOrder.Dequeue();
        return _dirtyOrder.TryPeek(out var first) && Environment.TickCount64 - first.SinceMs >= settings.FreshBatchMs;
    }

    void ScoreFresh()
    {
        var batch = new List<(string Msno, long SinceMs, List<long> Produced)>(Math.Min(_dirty.Count, settings.FreshBatchMembers));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        while (batch.Count < settings.FreshBatchMembers && _dirtyOrder.TryDequeue(out var next))
            if (_dirty.TryGetValue(next.Msno, out var produced) && taken.Add(next.Msno)) batch.Add((next.Msno, next.SinceMs, produced));
        try
        {
            // the discover list depends on the member's listens only through the songs left out
            Write(Lists(batch.Select(b => b.Msno), usualOnly: !settings.ExcludeHeard));
        }
        catch
        {
            // not written: the batch goes back to the front, in its order, for the retry
            var rest = _dirtyOrder.ToArray();
            _dirtyOrder.Clear();
            foreach (var b in batch) _dirtyOrder.Enqueue((b.Msno, b.SinceMs));
            foreach (var r in rest) _dirtyOrder.Enqueue(r);
            throw;
        }
        long now = Now();
        foreach (var (msno, _, produced) in batch)
        {
            foreach (long at in produced) Freshness.Record(now - at);
            _dirty.Remove(msno);
        }
    }

    /// <summary>
    /// The lists of these members: the model's for members it knows; for a member it has no row for
    /// (new since the checkpoint) but some of whose recent songs it knows, the model's too, from the
    /// listen head's unknown-member row with those songs and the member's co-listens (both lists, as
    /// for a popular list); popular lists of their tab for the others (all of them before the first
    /// checkpoint), and for a list whose source tab the model never saw (its context would be scored as
    /// unknown). A popular list always comes with its discover list, so a new member has both from
    /// their first listen on.
    /// </summary>
    List<RecommendationList> Lists(IEnumerable<string> msnos, bool usualOnly)
    {
        var known = new List<MemberToScore>();
        var newcomers = new List<MemberToScore>();
        var lists = new List<RecommendationList>();
        long now = Now(), version = _model?.Version ?? 0;
        foreach (string msno in msnos)
        {
            var member = _counts.Activity.ToScore(msno, _fallback);
            if (_model is not null && _model.UserRow(msno) > 0)
            {
                known.Add(member);
                continue;
            }
            if (_model is { HasListenHead: true } m && member.Recent.Any(song => m.SongRow(song) > 0))
            {
                newcomers.Add(member);
                continue;
            }
            lists.Add(PopularList(msno, ServingContexts.Usual, member.Usual, member.FreshAsOfMs, now, version));
            if (_discover is { } d) lists.Add(PopularList(msno, ServingContexts.Discover, d, member.FreshAsOfMs, now, version));
        }
        foreach (var (members, onlyUsual) in new[] { (known, usualOnly), (newcomers, false) })
        {
            if (members.Count == 0) continue;
            var tabs = _model!.Features[Field.SourceSystemTab];
            foreach (var list in _scorer.Score(_model, members, Extras(), now, onlyUsual, _counts.Signals(_neighbours)))
                lists.Add(tabs.Contains(list.Tab) ? list
                    : PopularList(list.Msno, list.Context, new ListeningContext(list.Tab, list.Screen, list.Type), list.FreshAsOfMs, now, version));
        }
        return lists;
    }

    RecommendationList PopularList(string msno, string servingContext, ListeningContext context, long freshAsOfMs, long nowMs, long version) =>
        new(msno, version, servingContext, context.Tab, context.Screen, context.Type, nowMs, freshAsOfMs,
            Popular.For(context.Tab, settings.ExcludeHeard ? _counts.Activity.HeardSet(msno) : null, settings.K)) { Source = ListSources.Popular };

    void RefreshBlock()
    {
        var model = _model;
        int end = Math.Min(_refresh.Count, _refreshAt + settings.CandidateBlock);
        var members = new List<string>(end - _refreshAt);
        for (int i = _refreshAt; i < end; i++)
            if (_ownership.Owns(_refresh[i], _counts.Activity)) members.Add(_refresh[i]);
        Write(Lists(members, usualOnly: false));
        _refreshAt = end;
        if (_refreshAt < _refresh.Count) return;

        var popular = _counts.Trends.Popular(settings.K);
        // the fallback list's score is the song's share of the listens read
        if (popular.Count > 0)
            _writer.WritePopular(new RecommendationList("", model?.Version ?? 0, ServingContexts.Popular, "", "", "", Now(), 0,
                popular.Select(id => new RecommendedSong(id, (float)_counts.Trends.Share(id))).ToArray()) { Source = ListSources.Popular });
        if (model is null)
        {
            log.LogInformation("Popular lists written for {Members:N0} members (no model yet) in {Seconds:F1} s", _refresh.Count, _refreshClock.Elapsed.TotalSeconds);
            return;
        }
        _writer.SetCurrentModel(model.Version);
        Interlocked.Exchange(ref _servingVersion, model.Version);
        double seconds = _refreshClock.Elapsed.TotalSeconds;
        log.LogInformation("Model {Version} serving: {Members:N0} members refreshed in {Seconds:F1} s ({Rate:N0} members/s)",
            model.Version, _refresh.Count, seconds, _refresh.Count / Math.Max(seconds, 1e-3));
    }

    /// <summary>
    /// The popular and rising songs every member's candidates get, recomputed at most every
    /// ExtrasEverySeconds: each new one costs a forward pass for every member re-scored, and finding
    /// them scans every song.
    /// </summary>
    IReadOnlyList<string> Extras()
    {
        if (_extras is null || _extrasClock.Elapsed.TotalSeconds >= settings.ExtrasEverySeconds)
        {
            _extras = [.. _counts.Trends.Popular(settings.PopularCandidates), .. _counts.Trends.Rising(settings.RisingCandidates)];
            _extrasClock.Restart();
        }
        return _extras;
    }

    void Write(List<RecommendationList> lists)
    {
        _writer.Write(lists);
        foreach (var l in lists) Quality.Serve(l);
    }

    void DeadLetterOf(ConsumeResult<byte[]?, byte[]?> cr, string reason)
    {
        _deadLetters++;
        log.LogWarning("Dead letter: {Topic}[{Partition}]@{Offset}: {Reason}", cr.Topic, cr.Partition.Value, cr.Offset.Value, reason);
        _producer!.Produce(settings.DeadLettersTopic, DeadLetter.From(cr, reason, "scorer"), r =>
        {
            if (r.Error.IsError) log.LogError("Dead letter of {Topic}[{Partition}]@{Offset} not delivered: {Reason}", cr.Topic, cr.Partition.Value, cr.Offset.Value, r.Error.Reason);
        });
    }

    void PublishMetrics()
    {
        var snapshot = Quality.Snapshot(ServingVersion, settings.K, Now(), Freshness.Summary());
        string json = snapshot.ToJson();
        _metricsFile?.WriteLine(json);
        _metricsFile?.Flush();
        _producer?.Produce(settings.MetricsTopic, new Message<byte[]?, byte[]?> { Key = MetricsKey, Value = Encoding.UTF8.GetBytes(json) }, r =>
        {
            if (r.Error.IsError) log.LogWarning("Scorer metrics not delivered: {Reason}", r.Error.Reason);
        });
        log.LogInformation("Served: {Observed:N0} labeled listens with a list, hit@{K} {Hit:P2} (shadow popular {Popular:P2}, most played {MostPlayed:P2}), replay hit@{K} {ReplayHit:P1}; {Members:N0} members, {Lists:N0} lists written, {Dead} dead letters, {Failed} checkpoints not loaded",
            snapshot.Observed, Quality.SmallK, snapshot.HitRateAtK ?? 0, snapshot.ShadowPopularHitRateAtK ?? 0, snapshot.ShadowMostPlayedHitRateAtK ?? 0,
            Quality.SmallK, snapshot.ReplayHitRateAtK ?? 0, _counts.Activity.Count, _writer.ListsWritten, _deadLetters, _failedCheckpoints);
    }

    static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
