using System.Diagnostics;
using System.Net;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;

namespace KkboxNcf.Faults;

/// <summary>
/// Faults 1, 2 and 4 on one running pipeline. A replay of the data is paced over a few seconds while
/// Ingest, Trainer and Scorer are each killed with SIGKILL at random moments and restarted as a service
/// manager would (same arguments; Ingest without --from-row). Then: every row on the listens topic
/// once, the Trainer's last checkpoint at exactly the number of listens with offsets covering the whole
/// topic, and every member's list from that checkpoint. On the same pipeline Redis is then killed and
/// started again empty (503 while down, health file stale, lists rewritten after), and corrupted
/// checkpoints are announced to the Scorer and left for the Trainer (both must refuse them).
/// </summary>
public sealed class ServiceFaults(string dataDirectory, string workRoot, Action<string> say)
{
    public FaultOutcome KillIngest { get; } = new("kill -9 Ingest during a replay");
    public FaultOutcome KillTrainer { get; } = new("kill -9 Trainer during a replay");
    public FaultOutcome KillScorer { get; } = new("kill -9 Scorer during a replay");
    public FaultOutcome RedisRestart { get; } = new("Redis stopped and started empty");
    public FaultOutcome CorruptCheckpoint { get; } = new("checkpoint truncated or altered");

    public IEnumerable<FaultOutcome> All => [KillIngest, KillTrainer, KillScorer, RedisRestart, CorruptCheckpoint];

    static readonly TimeSpan Settle = TimeSpan.FromSeconds(180);

    public void Run(int killsPerService, double replaySeconds, int seed)
    {
        var rng = new Random(seed);
        var expected = ListensAudit.Expected(dataDirectory);
        var members = expected.Select(e => e.Msno).Distinct().ToList();
        string work = Path.Combine(workRoot, $"services-{seed}");
        using var p = new Pipeline(dataDirectory, work, expected.Count);
        say($"run {seed}: {expected.Count:N0} listens over ~{replaySeconds:F0} s, {killsPerService} kill(s) per service; logs in {work}/logs");
        p.Broker.Start();
        p.Redis.Start();
        var running = new Dictionary<string, ServiceProcess>
        {
            ["Trainer"] = p.StartTrainer(),
            ["Scorer"] = p.StartScorer(),
            ["Ingest"] = p.StartIngest(expected.Count / replaySeconds),
        };
        ServiceProcess Restart(string name) => name switch
        {
            "Ingest" => p.StartIngest(expected.Count / replaySeconds),
            "Trainer" => p.StartTrainer(),
            _ => p.StartScorer(),
        };
        try
        {
            var landed = Kill(running, Restart, killsPerService, replaySeconds, rng);
            var checks = new Checks();
            var ingest = running["Ingest"];
            checks.That(ingest.WaitForExit(Settle) && ingest.ExitCode == 0, $"Ingest did not finish with exit code 0 (log {p.LogOf("ingest")})");
            var audit = ListensAudit.Of(p.Broker.Bootstrap, expected);
            checks.That(audit.OutOfOrder == 0, $"{audit.OutOfOrder} listens out of row order within their partition");
            KillIngest.Add(audit.Lost, audit.Duplicated, checks.Failed);
            KillIngest.Notes.Add($"run {seed}: {landed["Ingest"]} kills landed; topic: {audit.Messages:N0} messages, {audit.Lost} lost, {audit.Duplicated} duplicated");

            checks = new Checks();
            var trainer = running["Trainer"];
            checks.That(trainer.WaitForExit(Settle) && trainer.ExitCode == 0, $"Trainer did not finish with exit code 0 (log {p.LogOf("trainer")})");
            var (version, manifest) = Newest(p.Checkpoints);
            long position = manifest?.StreamPosition ?? 0, trained = manifest?.EventsTrained ?? 0, read = manifest?.Offsets.Values.Sum() ?? 0;
            checks.That(read == audit.Messages, $"the last checkpoint's offsets cover {read:N0} messages, the topic holds {audit.Messages:N0} (a listen read twice or skipped)");
            KillTrainer.Add(expected.Count - trained, Math.Max(0, position - expected.Count), checks.Failed);
            KillTrainer.Notes.Add($"run {seed}: {landed["Trainer"]} kills landed; last checkpoint {version}: position {position:N0}, trained {trained:N0} of {expected.Count:N0}");

            checks = new Checks();
            var clock = Stopwatch.StartNew();
            bool served = Built.WaitUntil(() => ListsAudit.CurrentModel(p.Redis.Configuration, p.KeyPrefix) == version
                && ListsAudit.Stale(p.Redis.Configuration, p.KeyPrefix, members, version) == 0, TimeSpan.FromSeconds(90), 500);
            long stale = ListsAudit.Stale(p.Redis.Configuration, p.KeyPrefix, members, version);
            checks.That(served, $"the Scorer did not serve checkpoint {version} to every member within 90 s (log {p.LogOf("scorer")})");
            checks.That(!running["Scorer"].HasExited, "the Scorer exited");
            KillScorer.Add(stale, 0, checks.Failed);
            KillScorer.Notes.Add($"run {seed}: {landed["Scorer"]} kills landed; {members.Count - stale}/{members.Count} members with a list from checkpoint {version} ({clock.Elapsed.TotalSeconds:F1} s after the Trainer finished)");

            if (served)
            {
                RedisOutage(p, members, version, running["Scorer"], rng);
                CorruptCheckpoints(p, version, running["Scorer"], members);
            }
        }
        finally
        {
            foreach (var s in running.Values)
            {
                s.Terminate();
                if (!s.WaitForExit(TimeSpan.FromSeconds(20))) s.Kill9();
                s.Dispose();
            }
        }
    }

    /// <summary>The kills, in random order at random moments of the replay; a service that already finished is not killed.</summary>
    Dictionary<string, int> Kill(Dictionary<string, ServiceProcess> running, Func<string, ServiceProcess> restart, int killsPerService, double replaySeconds, Random rng)
    {
        var plan = running.Keys.SelectMany(name => Enumerable.Repeat(name, killsPerService)).OrderBy(_ => rng.Next()).ToList();
        var landed = running.Keys.ToDictionary(k => k, _ => 0);
        int gapMs = (int)(replaySeconds * 1000 / (plan.Count + 1));
        foreach (var name in plan)
        {
            Thread.Sleep(rng.Next(gapMs / 2, gapMs * 3 / 2 + 1));
            var s = running[name];
            if (s.HasExited)
            {
                say($"  {name} already exited ({s.ExitCode}): not killed");
                continue;
            }
            s.Kill9();
            s.Dispose();
            landed[name]++;
            Thread.Sleep(rng.Next(100, 1000));
            running[name] = restart(name);
            say($"  killed {name} (kill -9) and restarted it");
        }
        return landed;
    }

    void RedisOutage(Pipeline p, List<string> members, long version, ServiceProcess scorer, Random rng)
    {
        var checks = new Checks();
        using var http = new HttpClient { BaseAddress = new Uri(p.HttpUrl), Timeout = TimeSpan.FromSeconds(15) };
        string url = $"/members/{members[0]}/recommendations?k=5";
        checks.That(Status(http, url) == HttpStatusCode.OK, "the HTTP API did not answer 200 before the outage");
        p.Redis.Kill();
        var down = Stopwatch.StartNew();
        var answered = Stopwatch.StartNew();
        checks.That(Built.WaitUntil(() => Status(http, url) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15)), "the HTTP API did not answer 503 with Redis down");
        double to503 = answered.Elapsed.TotalSeconds;
        // the Scorer notices (it pings when idle) and stops refreshing its health file
        checks.That(Built.WaitUntil(() => p.ReadLog("scorer").Contains("Redis unavailable"), TimeSpan.FromSeconds(15)), "the Scorer did not log the outage");
        checks.That(Built.WaitUntil(() => !File.Exists(p.ScorerHealthFile) || DateTime.UtcNow - File.GetLastWriteTimeUtc(p.ScorerHealthFile) > TimeSpan.FromSeconds(3),
            TimeSpan.FromSeconds(15)), "the Scorer's health file was still refreshed with Redis down");
        Thread.Sleep(rng.Next(2000, 5000));
        checks.That(!scorer.HasExited, "the Scorer exited during the Redis outage");
        p.Redis.Start();
        double downSeconds = down.Elapsed.TotalSeconds;
        var back = Stopwatch.StartNew();
        bool rewritten = Built.WaitUntil(() => ListsAudit.CurrentModel(p.Redis.Configuration, p.KeyPrefix) == version
            && ListsAudit.Stale(p.Redis.Configuration, p.KeyPrefix, members, version) == 0, TimeSpan.FromSeconds(60), 250);
        long stale = ListsAudit.Stale(p.Redis.Configuration, p.KeyPrefix, members, version);
        checks.That(rewritten, $"{stale} members without their list from checkpoint {version} 60 s after Redis came back empty");
        checks.That(Status(http, url) == HttpStatusCode.OK, "the HTTP API did not answer 200 after the outage");
        checks.That(p.ReadLog("scorer").Contains("Redis available again"), "the Scorer did not log the end of the outage");
        RedisRestart.Add(stale, 0, checks.Failed);
        RedisRestart.Notes.Add($"Redis down {downSeconds:F1} s (503 from the API after {to503:F1} s); all {members.Count} members' lists rewritten {back.Elapsed.TotalSeconds:F1} s after it came back empty");
    }

    static HttpStatusCode? Status(HttpClient http, string url)
    {
        try { return http.GetAsync(url).GetAwaiter().GetResult().StatusCode; }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>
    /// Scorer: announcements of an altered and a truncated copy of the last checkpoint (with the good
    /// file's SHA-256, as the Trainer announced it) are refused; the lists stay those of the last good one.
    /// Trainer: its newest checkpoint altered on disk, a restart skips it with a warning, resumes from the
    /// one before and ends at the same position.
    /// </summary>
    void CorruptCheckpoints(Pipeline p, long version, ServiceProcess scorer, List<string> members)
    {
        var checks = new Checks();
        string newest = Path.Combine(p.Checkpoints, $"ckpt-{version:D10}.kkc");
        string sha = CheckpointFile.Sha256OfFile(newest);
        string altered = Path.Combine(p.Work, $"altered-{version + 1}.kkc"), truncated = Path.Combine(p.Work, $"truncated-{version + 2}.kkc");
        File.Copy(newest, altered, overwrite: true);
        using (var f = new FileStream(altered, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = f.Length / 2;
            int b = f.ReadByte();
            f.Position = f.Length / 2;
            f.WriteByte((byte)(b ^ 0x5A));
        }
        File.Copy(newest, truncated, overwrite: true);
        using (var f = new FileStream(truncated, FileMode.Open, FileAccess.ReadWrite)) f.SetLength(f.Length * 2 / 3);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = p.Broker.Bootstrap }, "faults")).Build())
        {
            // one at a time: the Scorer loads only the newest announcement it has seen
            foreach (var (v, path) in new[] { (version + 1, altered), (version + 2, truncated) })
            {
                producer.Produce(Topics.Checkpoints, new Message<byte[]?, byte[]?> { Key = "trainer"u8.ToArray(),
                    Value = Messages.Encode(new CheckpointPublished(v, path, sha, [], p.Listens, new Dictionary<string, double>(), 0)) });
                producer.Flush(TimeSpan.FromSeconds(10));
                checks.That(Built.WaitUntil(() => p.ReadLog("scorer").Contains($"Model {v} from {path} not loaded"), TimeSpan.FromSeconds(30)),
                    $"the Scorer did not report the corrupted checkpoint {v} as not loaded");
            }
        }
        Thread.Sleep(1000);
        long stale = ListsAudit.Stale(p.Redis.Configuration, p.KeyPrefix, members, version);
        checks.That(ListsAudit.CurrentModel(p.Redis.Configuration, p.KeyPrefix) == version, "the current model moved to a corrupted checkpoint");
        checks.That(stale == 0, $"{stale} members' lists are not from the last good checkpoint {version}");
        checks.That(!scorer.HasExited, "the Scorer exited");

        // Trainer: the newest file damaged in place
        var before = CheckpointFile.ReadManifest(newest);
        using (var f = new FileStream(newest, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = f.Length / 3;
            int b = f.ReadByte();
            f.Position = f.Length / 3;
            f.WriteByte((byte)(b ^ 0x01));
        }
        using (var trainer = p.StartTrainer())
        {
            checks.That(trainer.WaitForExit(Settle) && trainer.ExitCode == 0, "the restarted Trainer did not finish with exit code 0");
        }
        string log = p.ReadLog("trainer");
        checks.That(log.Contains($"Skipping checkpoint {version}"), $"the Trainer did not warn that checkpoint {version} is corrupt");
        var (after, manifest) = Newest(p.Checkpoints);
        checks.That(manifest is not null && manifest.StreamPosition == before.StreamPosition && manifest.EventsTrained == before.EventsTrained,
            $"after skipping the corrupt checkpoint the Trainer ended at position {manifest?.StreamPosition} (trained {manifest?.EventsTrained}), not {before.StreamPosition}");
        CorruptCheckpoint.Add(stale, Math.Max(0, (manifest?.EventsTrained ?? 0) - before.EventsTrained), checks.Failed);
        CorruptCheckpoint.Notes.Add($"Scorer refused versions {version + 1} (altered byte) and {version + 2} (truncated), kept {version}; Trainer skipped altered {version}, resumed from the previous one and rewrote {after}");
    }

    /// <summary>The newest checkpoint that verifies, with its manifest.</summary>
    public static (long Version, CheckpointManifest? Manifest) Newest(string directory)
    {
        foreach (var path in Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "ckpt-*.kkc").OrderDescending().ToList() : new List<string>())
        {
            try { return (long.Parse(Path.GetFileNameWithoutExtension(path)[5..]), CheckpointFile.ReadManifest(path)); }
            catch (CheckpointCorruptException) { }
        }
        return (0, null);
    }
}
