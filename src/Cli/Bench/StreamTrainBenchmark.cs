using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Hosting;
using KkboxNcf.LocalBroker;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Trainer;
using KkboxNcf.Trainer.Checkpointing;
using KkboxNcf.Trainer.Online;
using KkboxNcf.Trainer.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench stream-train --data DIR`: listens per second the Trainer's own loop (StreamLoop)
/// sustains from the listens topic (consume, decode, metadata join, prequential scoring, training,
/// table growth, metrics; the next batch read and prepared beside training) on the
/// first --events listens of the full-size generated data, against ModelFitter training the same
/// model (same final table sizes, same step batch and micro-batches) on the same encoded events,
/// measured in the same run. Then the time and size of a checkpoint of the model grown to every
/// member and song of the full data.
/// The listens go through an in-process mock Kafka cluster, pre-loaded before the measurement (so no
/// producer shares the cores with the Trainer); the run stops if the mock's ~5 MiB per partition
/// retention dropped any (200,000 listens over 8 partitions fit).
/// </summary>
public sealed class StreamTrainBenchmark : IBenchmark
{
    const string ListensTopic = "bench.listens";
    const int Partitions = 8;

    // a listen or metadata record the broker refused makes the run invalid (checked after the run)
    static long _undelivered;

    public string Name => "stream-train";

    public string Description => "streaming Trainer listens/s (consume, score, train) vs offline ModelFitter on the same events and model; checkpoint write time and size";

    public bool ReadsData => true;

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dataDir = args.Required("data");
        int events = (int)args.Long("events", 200_000);
        int batchSize = (int)args.Long("batch-size", new TrainerSettings().BatchSize);
        int rounds = (int)args.Long("rounds", 3);
        if (rounds < 1) throw new UsageException($"--rounds must be at least 1, got {rounds}");
        int trainerThreads = new TrainerSettings().TorchThreads;
        int threads = (int)args.Long("threads", trainerThreads > 0 ? trainerThreads : Environment.ProcessorCount);
        if (threads < 1) throw new UsageException($"--threads must be at least 1, got {threads}");
        var options = new OnlineTrainerOptions
        {
            StepBatchSize = (int)args.Long("step-batch", 512),
            LearningRate = args.Double("lr", new OnlineTrainerOptions().LearningRate),
            NDim = (int)args.Long("n-dim", 10),
        };
        args.RejectUnknown();
        var total = Stopwatch.StartNew();

        var load = Stopwatch.StartNew();
        var report = new ReadReport();
        var listens = KkboxReader.ReadListens(Path.Combine(dataDir, "train.csv"), report, ct).Take(events)
            .Select(l => new ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0)).ToList();
        var songIds = listens.Select(l => l.SongId).ToHashSet(StringComparer.Ordinal);
        var members = KkboxReader.ReadMembers(Path.Combine(dataDir, "members.csv"), report, ct)
            .Select(m => new MemberUpdated(m.Msno, m.City, m.Bd, m.Gender, m.RegisteredVia, m.RegistrationInitTime, m.ExpirationDate)).ToList();
        var songs = KkboxReader.ReadSongs(Path.Combine(dataDir, "songs.csv"), report, ct).Where(s => songIds.Contains(s.SongId))
            .Select(s => new SongUpdated(s.SongId, s.SongLengthMs, s.Genres, s.Artists, s.Composers, s.Lyricists, s.Language)).ToList();
        var extras = KkboxReader.ReadSongExtras(Path.Combine(dataDir, "song_extra_info.csv"), report, ct).Where(e => songIds.Contains(e.SongId))
            .Select(e => new SongExtraUpdated(e.SongId, e.Name, e.Isrc)).ToList();
        Console.WriteLine($"loaded {listens.Count:N0} listens, {members.Count:N0} members, {songs.Count:N0} songs, {extras.Count:N0} song extras in {load.Elapsed.TotalSeconds:F1} s");
        if (listens.Count < events) throw new UsageException($"{dataDir}/train.csv has only {listens.Count} listens; --events {events}");

        // 1. the stream
        using var cluster = MockCluster.Create(1, null, null, NullLogger.Instance);
        cluster.CreateTopic(ListensTopic, Partitions);
        foreach (var (name, partitions, _) in Topics.All) cluster.CreateTopic(name, partitions);
        var kafka = new KafkaSettings { BootstrapServers = cluster.NativeBootstraps };
        var settings = new TrainerSettings { ListensTopic = ListensTopic, BatchSize = batchSize };
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka, "bench-stream-train")).Build();
        ProduceAll(producer, Topics.Members, members.Select(m => (m.Msno, Messages.Encode(m))), ct);
        ProduceAll(producer, Topics.Songs, songs.Select(s => (s.SongId, Messages.Encode(s))), ct);
        ProduceAll(producer, Topics.SongExtras, extras.Select(e => (e.SongId, Messages.Encode(e))), ct);
        producer.Flush(ct);

        Preload(kafka, producer, listens, ct);
        // The machine is shared and its load drifts, so the measurements are interleaved: each round runs
        // the stream at the Trainer's torch threads (with and without reading ahead), offline training at
        // 1 thread and at one per core, and the stream at the other thread setting; the best of each over
        // the rounds is compared. Every stream run starts a new model from the first listen. The first run's
        // trainer gives the model shape and encoding of the offline runs (the same for every run) and is
        // checkpointed below.
        int other = threads == 1 ? Environment.ProcessorCount : 1;
        var variants = new List<(int Threads, bool Ahead)> { (threads, true), (threads, false) };
        if (other != threads) variants.Add((other, true));
        static string Label((int Threads, bool Ahead) v) => $"{v.Threads} torch thread(s), read-ahead {(v.Ahead ? "on" : "off")}";
        StreamRun? best = null;
        OnlineTrainer? first = null;
        var streamRates = variants.ToDictionary(v => v, _ => new List<double>());
        // offline: at 1 thread and one per core, fed in the stream's micro-batches and in chunks of 4,096 (the
        // step is StepBatchSize either way; the chunk only sets how often examples are packed into tensors)
        var offlineRates = new Dictionary<(int Threads, int Chunk), List<double>>();
        foreach (int t in new[] { 1, Environment.ProcessorCount }.Distinct())
            foreach (int c in new[] { batchSize, 4096 }.Distinct()) offlineRates[(t, c)] = [];
        static string OfflineLabel((int Threads, int Chunk) k) => $"{k.Threads} torch thread(s), chunks of {k.Chunk}";
        EncodedDataset? encoded = null;
        int runs = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var v in variants)
            {
                var run = RunStream(kafka, settings, ++runs, v.Threads, v.Ahead, listens.Count, options, ct);
                streamRates[v].Add(run.EventsPerSecond);
                Console.WriteLine($"round {round + 1}: stream, {Label(v)}: {run.EventsPerSecond:N0} listens/s " +
                    $"(prepare {run.Stats.PrepareSeconds:F2} s, score {run.Stats.ScoreSeconds:F2} s, train {run.Stats.TrainSeconds:F2} s, waited for the next batch {run.Stats.WaitSeconds:F2} s, all {run.Stats.Seconds:F2} s)");
                bool primary = v == variants[0];
                if (primary && (best is null || run.EventsPerSecond > best.EventsPerSecond)) best = run;
                if (first is null) first = run.Trainer;
                else run.Trainer.Dispose();
                if (encoded is null) encoded = first.Space.Encode(listens.Select(ToListen).ToArray(), grow: false);
                if (!primary) continue;
                foreach (var o in offlineRates.Keys)
                {
                    // offline training has the cores to itself, so it gets its better thread setting
                    torch.set_num_threads(o.Threads);
                    offlineRates[o].Add(TrainOffline(first.Model.CurrentShape(), options, encoded, o.Chunk, ct));
                    Console.WriteLine($"round {round + 1}: offline ModelFitter, {OfflineLabel(o)}: {offlineRates[o][^1]:N0} examples/s over {encoded.Count:N0} (training time only)");
                }
            }
        }
        torch.set_num_threads(threads);
        using var trainer = first!;
        var stream = best!.Stats;
        Console.WriteLine($"stream: {stream.EventsPerSecond:N0} listens/s over {events:N0} listens ({stream.Seconds:F1} s: prepare {stream.PrepareSeconds:F1} s beside training, " +
            $"scoring {stream.ScoreSeconds:F1} s, training {stream.TrainSeconds:F1} s, waiting for the next batch {stream.WaitSeconds:F1} s); " +
            $"online AUC {trainer.Metrics.Cumulative.Auc:F4}, last {trainer.Metrics.WindowSize:N0} {trainer.Metrics.Window.Auc:F4}");
        double offlineRate = offlineRates.Values.SelectMany(r => r).Max();

        // 3. a checkpoint of the full-size model: every member and song of the full train.csv
        var grow = Stopwatch.StartNew();
        foreach (var chunk in KkboxReader.ReadListens(Path.Combine(dataDir, "train.csv"), new ReadReport(), ct).Chunk(500_000))
            trainer.Space.Encode(chunk, grow: true);
        trainer.Model.EnsureCapacity(trainer.Space, options.GrowthHeadroom);
        Console.WriteLine($"grew to the full data's {trainer.Space[Field.User].Count - 1:N0} members and {trainer.Space[Field.Song].Count - 1:N0} songs in {grow.Elapsed.TotalSeconds:F1} s");
        string dir = Path.Combine(Path.GetTempPath(), $"kkbox-bench-ckpt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "ckpt.kkc");
            var manifest = new CheckpointManifest(1, ListensTopic, new Dictionary<int, long>(), trainer.Position, trainer.Trained, trainer.Pending, "ncf", new Dictionary<string, double>(), 0);
            var write = Stopwatch.StartNew();
            CheckpointFile.Write(path, [new CheckpointSection(CheckpointManifest.SectionName, manifest.Write), .. trainer.Sections()]);
            double writeSeconds = write.Elapsed.TotalSeconds;
            long bytes = new FileInfo(path).Length;
            var read = Stopwatch.StartNew();
            var bundle = CheckpointFile.ReadBundle(path, null);
            double readSeconds = read.Elapsed.TotalSeconds;
            bundle.Model.Dispose();
            var restore = Stopwatch.StartNew();
            using (OnlineTrainer.Restore(options, CheckpointFile.Read(path, null))) { }
            double restoreSeconds = restore.Elapsed.TotalSeconds;
            Console.WriteLine($"checkpoint: {bytes / 1048576.0:N1} MiB written in {writeSeconds:F2} s; ReadBundle {readSeconds:F2} s; full restore {restoreSeconds:F2} s");

            var details = new Dictionary<string, object>
            {
                ["data"] = $"{dataDir}: first {events:N0} listens of train.csv (data synth --size full)",
                ["model"] = $"NCF, n_dim {options.NDim}, every embedding width n_dim, LazyAdam rows + dense Adam layers, lr {options.LearningRate}",
                ["micro_batch"] = batchSize,
                ["step_batch"] = options.StepBatchSize,
                ["stream_seconds"] = stream.Seconds,
                ["stream_prepare_seconds_beside_training"] = stream.PrepareSeconds,
                ["stream_score_seconds"] = stream.ScoreSeconds,
                ["stream_train_seconds"] = stream.TrainSeconds,
                ["stream_wait_for_next_batch_seconds"] = stream.WaitSeconds,
                ["stream_other_seconds"] = stream.Seconds - stream.ScoreSeconds - stream.TrainSeconds - stream.WaitSeconds,
                ["torch_threads_stream"] = threads,
                ["stream_loop"] = "the Trainer's StreamLoop as the service runs it (group consumer, read-ahead of the next batch beside training, metadata reader, metrics every 10,000 listens); time from the first batch to the end of the last one's training",
                ["offline_rounds_examples_per_s"] = offlineRates.ToDictionary(r => OfflineLabel(r.Key), r => r.Value.ToArray()),
                ["stream_rounds_listens_per_s"] = streamRates.ToDictionary(r => Label(r.Key), r => r.Value.ToArray()),
                ["openmp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "unset (libgomp's default: spin, then sleep)",
                ["rounds"] = rounds,
                ["rounds_rule"] = "rounds interleave stream and offline runs (the load drifts); value = best stream run at the Trainer's torch threads with read-ahead (its default), reference = best offline run over 1 torch thread and one per core, fed in the stream's micro-batches or in chunks of 4,096",
                ["online_auc"] = trainer.Metrics.Cumulative.Auc,
                ["online_window_auc"] = trainer.Metrics.Window.Auc,
                ["retention"] = $"the {events:N0} listens were pre-loaded before the measurement (watermarks checked: none dropped by the mock's ~5 MiB per partition retention; raise --events only while that holds); all consumed",
                ["full_members"] = trainer.Space[Field.User].Count - 1,
                ["full_songs"] = trainer.Space[Field.Song].Count - 1,
                ["checkpoint_bytes"] = bytes,
                ["checkpoint_write_seconds"] = writeSeconds,
                ["checkpoint_read_bundle_seconds"] = readSeconds,
                ["checkpoint_restore_seconds"] = restoreSeconds,
                ["total_seconds"] = total.Elapsed.TotalSeconds,
                ["machine_note"] = "2 cores shared with other sessions; numbers vary with their load",
            };
            return Task.FromResult(new BenchResult(Name, stream.EventsPerSecond, "listens/s",
                $"offline ModelFitter, same model and events, same run (training time only, best of {rounds} interleaved rounds at each of 1 and {Environment.ProcessorCount} torch threads, in the stream's micro-batches and in chunks of 4,096)", offlineRate, 0.5 * offlineRate, true, details));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static double TrainOffline(ModelShape shape, OnlineTrainerOptions options, EncodedDataset encoded, int batchSize, CancellationToken ct)
    {
        using var model = ModelFactory.Create(shape, options.Seed);
        using var fitter = new ModelFitter(model, options.Training);
        var clock = new Stopwatch();
        for (int start = 0; start < encoded.Count; start += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            var chunk = encoded.Slice(start, Math.Min(batchSize, encoded.Count - start));
            clock.Start();
            fitter.TrainMicroBatch(chunk);
            clock.Stop();
        }
        return encoded.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Pre-loads the listens, so no producer competes with the Trainer for the cores while it is
    /// measured (in production Ingest runs elsewhere), and checks the mock kept every one of them.
    /// </summary>
    static void Preload(KafkaSettings kafka, IProducer<byte[]?, byte[]?> producer, IReadOnlyList<ListenRecorded> listens, CancellationToken ct)
    {
        var preload = Stopwatch.StartNew();
        foreach (var l in listens) Produce(producer, ListensTopic, l.Msno, Messages.Encode(l), ct);
        producer.Flush(ct);
        if (Interlocked.Read(ref _undelivered) > 0) throw new InvalidOperationException($"{_undelivered} messages were not delivered to the mock broker");
        using (var probe = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(kafka, "bench-probe", "bench-probe")).Build())
        {
            var marks = Enumerable.Range(0, Partitions).Select(p => probe.QueryWatermarkOffsets(new TopicPartition(ListensTopic, p), TimeSpan.FromSeconds(10))).ToArray();
            if (marks.Any(m => m.Low.Value != 0) || marks.Sum(m => m.High.Value) != listens.Count)
                throw new InvalidOperationException($"the mock broker dropped listens (retention ~5 MiB per partition): lower --events; watermarks {string.Join(", ", marks.Select(m => $"{m.Low.Value}-{m.High.Value}"))}");
        }
        Console.WriteLine($"pre-loaded {listens.Count:N0} listens into {Partitions} partitions in {preload.Elapsed.TotalSeconds:F1} s; none dropped");

    }

    static Listen ToListen(ListenRecorded l) => new(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target);

    sealed record StreamRun(OnlineTrainer Trainer, StreamLoopStats Stats)
    {
        public double EventsPerSecond => Stats.EventsPerSecond;
    }

    /// <summary>
    /// The Trainer's own loop (StreamLoop: group consumer, read-ahead, metadata reader thread, metrics,
    /// final checkpoint) on a new model from the first listen until every listen was trained; the rate
    /// counts from the first batch to the end of the last one's training. The trainer comes back
    /// restored from the run's final checkpoint.
    /// </summary>
    static StreamRun RunStream(KafkaSettings kafka, TrainerSettings template, int run, int threads, bool prepareAhead, int events,
        OnlineTrainerOptions options, CancellationToken ct)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"kkbox-bench-stream-{Guid.NewGuid():N}");
        try
        {
            var settings = new TrainerSettings
            {
                ListensTopic = template.ListensTopic,
                BatchSize = template.BatchSize,
                GroupId = $"bench-stream-train-{run}",
                CheckpointDirectory = dir,
                CheckpointEveryEvents = long.MaxValue,
                CheckpointEverySeconds = int.MaxValue,
                KeepCheckpoints = 1,
                StopAfterEvents = events,
                TorchThreads = threads,
                PrepareAhead = prepareAhead,
                NDim = options.NDim,
                LearningRate = options.LearningRate,
                StepBatchSize = options.StepBatchSize,
                Seed = options.Seed,
                MetricsWindow = options.MetricsWindow,
            };
            var loop = new StreamLoop(settings, kafka, new ServiceHealth(), NullLogger<StreamLoop>.Instance);
            loop.Run(ct);
            if (loop.Stats.Events != events) throw new InvalidOperationException($"the Trainer trained {loop.Stats.Events} of {events} listens");
            var store = new CheckpointStore(dir, 1, NullLogger.Instance);
            var trainer = store.LoadNewest(contents => OnlineTrainer.Restore(settings.Online, contents))?.State
                ?? throw new InvalidOperationException($"the Trainer left no checkpoint in {dir}");
            return new StreamRun(trainer, loop.Stats);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static void ProduceAll(IProducer<byte[]?, byte[]?> producer, string topic, IEnumerable<(string Key, byte[] Value)> messages, CancellationToken ct)
    {
        foreach (var (key, value) in messages) Produce(producer, topic, key, value, ct);
    }

    static void Produce(IProducer<byte[]?, byte[]?> producer, string topic, string key, byte[] value, CancellationToken ct)
    {
        var message = new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = value };
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                producer.Produce(topic, message, r =>
                {
                    if (r.Error.IsError) Interlocked.Increment(ref _undelivered);
                });
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(5));
            }
        }
    }
}
