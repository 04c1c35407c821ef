using KkboxNcf.Model.Lists;
using System.Diagnostics;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Redis;
using KkboxNcf.Scorer.Scoring;
using KkboxNcf.Trainer;
using StackExchange.Redis;
using TorchSharp;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench score`: a full refresh as the Scorer does it after a checkpoint (two-stage top-K for
/// every member of the data, in the usual and the discover context, written to Redis), against the
/// exact matrix product alone (members x every song, same blocks) in the same run. Also: the Redis
/// write rate of the refresh against redis-benchmark's pipelined SET rate for the same value size,
/// the process's peak memory, and the candidate stage's recall against an exhaustive full-NCF
/// ranking on a sample of members. The model is a freshly initialised NCF over the data's
/// vocabularies (the scoring work does not depend on the weights).
/// </summary>
public sealed class ScoreBenchmark : IBenchmark
{
    public string Name => "score";

    public string Description => "full refresh of top-50 lists for every member into Redis vs the exact matrix product alone (same run)";

    public bool ReadsData => true;

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "full"));
        int k = (int)args.Long("k", 50);
        int candidates = (int)args.Long("candidates", new ScorerSettings().Candidates);
        int recallSample = (int)args.Long("recall-sample", 10);
        int threads = (int)args.Long("threads", 0);
        long maxMembers = args.Long("members", long.MaxValue);
        int referenceBlocks = (int)args.Long("reference-blocks", 20);
        int coListenHistory = (int)args.Long("colisten-history", new ScorerSettings().CoListenHistory);
        args.RejectUnknown();
        if (threads > 0) torch.set_num_threads(threads);
        var settings = new ScorerSettings { K = k, Candidates = candidates, KeyPrefix = $"bench-score-{Environment.ProcessId}", ListTtlSeconds = 600, CoListenHistory = coListenHistory };
        if (settings.Validate().FirstOrDefault() is { } bad) throw new UsageException(bad);
        string redisConfiguration = Environment.GetEnvironmentVariable("Redis__Configuration") ?? RedisSettings.DefaultConfiguration;

        double loadStart = LoadAverage();
        var clock = Stopwatch.StartNew();
        var work = ScoringWorkload.Load(dir, 8, ct, settings.CoListenHistory);
        Console.WriteLine($"{dir}: {work.Listens:N0} listens, {work.Space[Field.User].Count - 1:N0} members, {work.Space[Field.Song].Count - 1:N0} songs; read in {clock.Elapsed.TotalSeconds:F1} s");
        using var model = new ScoringModel(1, new ModelBundle(work.Space, ModelFactory.Create(ModelShape.For(ModelKind.Ncf, work.Space,
            listenDim: new TrainerSettings().ListenDim, historyLength: new TrainerSettings().HistoryLength), seed: 1)));
        var fallback = settings.Fallback;
        var members = Enumerable.Range(1, model.Users - 1).Take((int)Math.Min(maxMembers, model.Users - 1))
            .Select(r => work.Activity.ToScore(work.Space[Field.User].KeyOf(r), fallback)).ToList();
        IReadOnlyList<string> extras = [.. work.Trends.Popular(settings.PopularCandidates), .. work.Trends.Rising(settings.RisingCandidates)];
        // the co-listen neighbours, as the Scorer rebuilds them in the background (not part of a refresh's time)
        var neighboursClock = Stopwatch.StartNew();
        var neighbours = ItemNeighbours.Build(work.Counts.Histories(), settings.Neighbours, ct);
        double neighboursSeconds = neighboursClock.Elapsed.TotalSeconds;
        Console.WriteLine($"co-listen neighbours of {neighbours.Songs:N0} songs from {neighbours.Members:N0} members built in {neighboursSeconds:F1} s " +
            $"(the Scorer rebuilds them in the background, at most every {settings.NeighboursEverySeconds} s)");
        var signals = work.Counts.Signals(neighbours);

        // reference: the exact members x songs matrix product alone (TorchSharp mm + bias, blocks of 256
        // members), timed on the first referenceBlocks blocks and scaled to every member
        int referenceMembers = Math.Min(members.Count, referenceBlocks * settings.CandidateBlock);
        var reference = Stopwatch.StartNew();
        MatrixProductOnly(model, referenceMembers, settings.CandidateBlock);
        double referenceSeconds = reference.Elapsed.TotalSeconds * members.Count / referenceMembers;
        Console.WriteLine($"reference: members x songs matrix product alone: {referenceSeconds:F1} s (timed on {referenceMembers:N0} members, scaled)");

        using var redis = RedisConnection.Connect(new RedisSettings { Configuration = redisConfiguration });
        var writer = new ListWriter(redis.GetDatabase(), new RedisKeys(settings.KeyPrefix), settings.ListTtl, settings.WriteBatch);
        var scorer = new ListScorer(settings.Scoring);
        var scoreTime = new Stopwatch();
        var writeTime = new Stopwatch();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (int start = 0; start < members.Count; start += settings.CandidateBlock)
        {
            ct.ThrowIfCancellationRequested();
            var block = members.GetRange(start, Math.Min(settings.CandidateBlock, members.Count - start));
            scoreTime.Start();
            var lists = scorer.Score(model, block, extras, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), signals: signals);
            scoreTime.Stop();
            writeTime.Start();
            writer.Write(lists);
            writeTime.Stop();
            if ((start / settings.CandidateBlock) % 20 == 0)
                Console.Error.Write($"\r{start + block.Count:N0}/{members.Count:N0} members, {total.Elapsed.TotalSeconds:F0} s");
        }
        double seconds = total.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.Error.WriteLine();
        long peakBytes = Process.GetCurrentProcess().PeakWorkingSet64;
        long managedAfterRefresh = GC.GetGCMemoryInfo().HeapSizeBytes;
        Console.WriteLine($"memory: peak working set {peakBytes >> 20:N0} MiB, managed heap {managedAfterRefresh >> 20:N0} MiB");
        int valueBytes = (int)(writer.BytesWritten / Math.Max(1, writer.ListsWritten));
        // the whole of the writes: serialising each value, sending it and Redis acknowledging it
        double writeRate = writer.ListsWritten / writer.WriteTime.TotalSeconds;
        double sendOnlyRate = writer.ListsWritten / Math.Max(1e-9, (writer.WriteTime - writer.SerializeTime).TotalSeconds);
        Console.WriteLine($"refresh: {members.Count:N0} members, {writer.ListsWritten:N0} lists in {seconds:F1} s, {cpuSeconds:F0} CPU s (scoring {scoreTime.Elapsed.TotalSeconds:F1} s: candidates {scorer.StageTimes.Candidates.TotalSeconds:F1} s, full NCF {scorer.StageTimes.Ranking.TotalSeconds:F1} s; Redis {writeTime.Elapsed.TotalSeconds:F1} s)");
        // the reference does what the refresh did: SET with the same TTL of new keys of the same length
        // and value size, while the refresh's lists are still in Redis (its keys go with them below)
        int keyBytes = (int)(writer.KeyBytesWritten / Math.Max(1, writer.ListsWritten));
        var redisReference = RedisBenchmarkTool.SetRate(redisConfiguration, $"{settings.KeyPrefix}:reference:", keyBytes, valueBytes, settings.ListTtlSeconds,
            pipeline: 64, requests: 200_000);
        double benchmarkRate = redisReference.RequestsPerSecond;
        // for comparison with earlier runs only: plain SETs overwriting 100,000 keys (what the reference measured before)
        var overwrite = RedisBenchmarkTool.SetRate(redisConfiguration, $"{settings.KeyPrefix}:overwrite:", keyBytes, valueBytes, 0,
            pipeline: 64, requests: 200_000, keySpace: 100_000);
        Console.WriteLine($"Redis: {writeRate:N0} lists/s of {valueBytes:N0} bytes (serialising included; {sendOnlyRate:N0}/s without); " +
            $"redis-benchmark -P 64 SET EX of new keys of that size: {benchmarkRate:N0}/s (ratio {writeRate / benchmarkRate:F2})");

        var rng = new Random(5);
        var sample = members.OrderBy(_ => rng.Next()).Take(recallSample).ToList();
        var recall = CandidateRecall.Measure(model, scorer, sample, extras, signals);
        Console.WriteLine($"candidate recall@{k} vs exhaustive full NCF on {recall.Members} members: mean {recall.MeanRecall:F3}, min {recall.MinRecall:F3}");
        DeleteKeys(redis, settings.KeyPrefix);

        var details = new Dictionary<string, object>
        {
            ["neighbours_build_seconds"] = neighboursSeconds,
            ["colisten_history"] = settings.CoListenHistory,
            ["data"] = dir,
            ["model"] = "freshly initialised NCF (n_dim 10) over the data's vocabularies; scoring cost does not depend on the weights",
            ["members"] = members.Count,
            ["reference_timed_members"] = referenceMembers,
            ["reference_method"] = "TorchSharp mm of [256 x dim] member blocks by the [dim x songs] song matrix plus song bias, timed on reference_timed_members and scaled linearly",
            ["candidate_method"] = "fused C# kernel: exact dot products over song tiles with 256-bit vectors, top-C kept in a heap per member (no members x songs matrix)",
            ["load_average_1m_start"] = loadStart,
            ["songs"] = model.Songs - 1,
            ["k"] = k,
            ["candidates_c"] = candidates,
            ["extra_candidates"] = extras.Count,
            ["contexts"] = "usual + discover",
            ["lists_written"] = writer.ListsWritten,
            ["members_per_s"] = Math.Round(members.Count / seconds),
            ["refresh_cpu_seconds"] = Math.Round(cpuSeconds, 1),
            ["refresh_cpu_share_of_2_cores"] = Math.Round(cpuSeconds / (2 * seconds), 3),
            ["scoring_seconds"] = Math.Round(scoreTime.Elapsed.TotalSeconds, 2),
            ["candidate_stage_seconds"] = Math.Round(scorer.StageTimes.Candidates.TotalSeconds, 2),
            ["ncf_stage_seconds"] = Math.Round(scorer.StageTimes.Ranking.TotalSeconds, 2),
            ["redis_write_seconds"] = Math.Round(writeTime.Elapsed.TotalSeconds, 2),
            ["json_serialize_seconds"] = Math.Round(writer.SerializeTime.TotalSeconds, 2),
            ["redis_write_calls_seconds"] = Math.Round(writer.WriteTime.TotalSeconds, 2),
            ["redis_rate_measure"] = "lists / time inside ListWriter.Write, from the first value serialised to the last SET acknowledged (serialisation included: batches go out as they are serialised, so Redis works meanwhile)",
            ["redis_sets_per_s_without_serialising"] = Math.Round(sendOnlyRate),
            ["redis_write_batch"] = settings.WriteBatch,
            ["redis_reference_command"] = redisReference.Command,
            ["redis_key_bytes_mean"] = keyBytes,
            ["redis_benchmark_P64_overwrite_plain_set_per_s"] = Math.Round(overwrite.RequestsPerSecond),
            ["redis_overwrite_note"] = "not the reference: plain SETs without expiry overwriting 100,000 existing keys (" + overwrite.Command + "), the reference used before; the refresh here writes new keys with a TTL",
            ["ncf_pairs_scored"] = scorer.PairsScored,
            ["redis_value_bytes_mean"] = valueBytes,
            ["redis_sets_per_s"] = Math.Round(writeRate),
            ["redis_benchmark_P64_sets_per_s"] = Math.Round(benchmarkRate),
            ["redis_ratio"] = Math.Round(writeRate / benchmarkRate, 3),
            ["redis_target_ratio"] = 0.5,
            ["peak_memory_mib"] = peakBytes / (1 << 20),
            ["managed_heap_mib_after_refresh"] = managedAfterRefresh / (1 << 20),
            ["memory_target_mib"] = 3072,
            ["candidate_recall_mean"] = Math.Round(recall.MeanRecall, 4),
            ["candidate_recall_min"] = Math.Round(recall.MinRecall, 4),
            ["candidate_recall_sample"] = recall.Members,
            ["candidate_recall_note"] = "on this untrained model the full NCF ranks much like its dot-product part, so this recall says little: `kkbox bench recall` measures it on a trained NCF",
            ["prior_candidates"] = settings.PriorCandidates,
            ["prior_contexts"] = model.PriorContexts,
            ["prior_seconds"] = Math.Round(model.PriorTime.TotalSeconds, 2),
            ["exhaustive_seconds_per_member"] = Math.Round(recall.ExhaustiveSeconds / Math.Max(1, recall.Members), 3),
            ["torch_threads"] = torch.get_num_threads(),
            ["load_average_1m_end"] = LoadAverage(),
            ["note"] = "shared 2-core machine: other sessions may have been running",
        };
        return Task.FromResult(new BenchResult(Name, Math.Round(seconds, 2), "s", "exact matrix product alone (s)", Math.Round(referenceSeconds, 2),
            Target: 60, HigherIsBetter: false, Details: details));
    }

    /// <summary>The 1-minute load average (this machine is shared; it says how much else was running).</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out double l) ? l : double.NaN;

    static void MatrixProductOnly(ScoringModel model, int members, int block)
    {
        var users = model.Factors.Users;
        int dim = model.Dim;
        for (int start = 0; start < members; start += block)
        {
            int n = Math.Min(block, members - start);
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var u = torch.tensor(users.AsSpan((1 + start) * dim, n * dim).ToArray(), [n, dim]);
            var scores = u.mm(model.SongsT).add_(model.SongBias);
            scores.sum().item<float>();
        }
    }

    static void DeleteKeys(ConnectionMultiplexer redis, string prefix)
    {
        var db = redis.GetDatabase();
        var server = redis.GetServers()[0];
        var batch = new List<RedisKey>();
        foreach (var key in server.Keys(pattern: prefix + ":*", pageSize: 1000))
        {
            batch.Add(key);
            if (batch.Count == 1000) { db.KeyDelete(batch.ToArray()); batch.Clear(); }
        }
        if (batch.Count > 0) db.KeyDelete(batch.ToArray());
    }
}
