using System.Diagnostics;

namespace KkboxNcf.Faults;

/// <summary>
/// Fault 3. The broker hung mid-replay (SIGSTOP for a few seconds, then SIGCONT, its data intact): the
/// services wait and retry, and nothing is lost or trained twice. The broker killed mid-replay and
/// started again empty (what a local broker does): Ingest and Trainer must stop with exit code 4 and
/// say so, and the documented recovery (Ingest --from-row 1, Trainer --rebase once) must end with
/// every listen on the topic once and trained once.
/// </summary>
public sealed class BrokerFaults(string dataDirectory, string workRoot, Action<string> say)
{
    public FaultOutcome Hang { get; } = new("broker hung (SIGSTOP) mid-replay");
    public FaultOutcome Reset { get; } = new("broker restarted empty mid-replay");

    public IEnumerable<FaultOutcome> All => [Hang, Reset];

    static readonly TimeSpan Settle = TimeSpan.FromSeconds(180);

    public void RunHang(double replaySeconds, int seed)
    {
        var rng = new Random(seed);
        var expected = ListensAudit.Expected(dataDirectory);
        using var p = new Pipeline(dataDirectory, Path.Combine(workRoot, $"hang-{seed}"), expected.Count);
        p.Broker.Start();
        var checks = new Checks();
        using var trainer = p.StartTrainer();
        using var ingest = p.StartIngest(expected.Count / replaySeconds);
        Thread.Sleep(rng.Next(1500, 3000));
        int pausedMs = rng.Next(3000, 8000);
        p.Broker.Pause(true);
        Thread.Sleep(pausedMs);
        p.Broker.Pause(false);
        say($"broker hung for {pausedMs / 1000.0:F1} s");
        checks.That(ingest.WaitForExit(Settle) && ingest.ExitCode == 0, "Ingest did not finish with exit code 0 after the broker hung");
        checks.That(trainer.WaitForExit(Settle) && trainer.ExitCode == 0, "the Trainer did not finish with exit code 0 after the broker hung");
        Hang.Notes.Add($"run {seed}: Ingest logged the hang: {(p.ReadLog("ingest").Contains("unreachable") ? "yes" : "no (its watermark checks fell outside it)")}");
        var audit = ListensAudit.Of(p.Broker.Bootstrap, expected);
        var (version, manifest) = ServiceFaults.Newest(p.Checkpoints);
        long trained = manifest?.EventsTrained ?? 0, read = manifest?.Offsets.Values.Sum() ?? 0;
        checks.That(read == audit.Messages, $"the last checkpoint's offsets cover {read:N0} messages, the topic holds {audit.Messages:N0}");
        checks.That(audit.OutOfOrder == 0, $"{audit.OutOfOrder} listens out of row order");
        Hang.Add(audit.Lost + (expected.Count - trained), audit.Duplicated + Math.Max(0, (manifest?.StreamPosition ?? 0) - expected.Count), checks.Failed);
        Hang.Notes.Add($"run {seed}: broker hung {pausedMs / 1000.0:F1} s; topic {audit.Messages:N0} messages ({audit.Lost} lost, {audit.Duplicated} duplicated); checkpoint {version} trained {trained:N0} of {expected.Count:N0}");
    }

    public void RunReset(double replaySeconds, int seed)
    {
        var rng = new Random(seed);
        var expected = ListensAudit.Expected(dataDirectory);
        using var p = new Pipeline(dataDirectory, Path.Combine(workRoot, $"reset-{seed}"), expected.Count);
        p.Broker.Start();
        var checks = new Checks();
        long checkpointed;
        using (var trainer = p.StartTrainer())
        using (var ingest = p.StartIngest(expected.Count / replaySeconds))
        {
            // reset once the Trainer has checkpointed part of the stream and Ingest is still replaying
            long due = expected.Count * (long)rng.Next(20, 50) / 100;
            Built.WaitUntil(() => (ServiceFaults.Newest(p.Checkpoints).Manifest?.StreamPosition ?? 0) >= due || ingest.HasExited || trainer.HasExited, TimeSpan.FromSeconds(60));
            checkpointed = ServiceFaults.Newest(p.Checkpoints).Manifest?.StreamPosition ?? 0;
            checks.That(!ingest.HasExited, "Ingest finished before the broker could be reset (replay too short)");
            p.Broker.Kill();
            Thread.Sleep(rng.Next(200, 2000));
            p.Broker.Start();
            say($"broker restarted empty after the Trainer checkpointed {checkpointed:N0} listens");
            var clock = Stopwatch.StartNew();
            checks.That(ingest.WaitForExit(TimeSpan.FromSeconds(60)) && ingest.ExitCode == 4, $"Ingest did not stop with exit code 4 (broker reset) within 60 s");
            double ingestSeconds = clock.Elapsed.TotalSeconds;
            checks.That(trainer.WaitForExit(TimeSpan.FromSeconds(60)) && trainer.ExitCode == 4, $"the Trainer did not stop with exit code 4 (broker reset) within 60 s");
            Reset.Notes.Add($"run {seed}: reset after {checkpointed:N0} listens checkpointed; Ingest stopped (exit {(ingest.HasExited ? ingest.ExitCode : -1)}) after {ingestSeconds:F1} s, Trainer (exit {(trainer.HasExited ? trainer.ExitCode : -1)}) after {clock.Elapsed.TotalSeconds:F1} s");
        }
        checks.That(p.ReadLog("ingest").Contains("lost kkbox.listens"), "Ingest did not say that the broker lost the listens topic");
        checks.That(p.ReadLog("trainer").Contains("Recovery (README, Failure modes)"), "the Trainer did not say how to recover");

        // a second Ingest without --from-row must refuse too (the guard is sticky), then the documented recovery
        using (var again = p.StartIngest(expected.Count / replaySeconds))
            checks.That(again.WaitForExit(TimeSpan.FromSeconds(60)) && again.ExitCode == 4, "a restarted Ingest without --from-row resumed on the emptied broker");
        // the replay running at the reset may have delivered rows to the new broker before it stopped: a
        // recovery replay on top of them is refused; the documented step is one more restart (empty)
        bool replayed = false;
        using (var early = p.StartIngest(expected.Count / (replaySeconds / 2), fromRow: 1))
        {
            bool exited = early.WaitForExit(Settle);
            if (exited && early.ExitCode == 4)
            {
                Reset.Notes.Add($"run {seed}: recovery replay refused while the topic held rows delivered after the reset; broker restarted once more");
                p.Broker.Kill();
                p.Broker.Start();
            }
            else if (exited && early.ExitCode == 0)
            {
                replayed = true;
                Reset.Notes.Add($"run {seed}: nothing was delivered after the reset: the recovery replay went ahead at once");
            }
            else
                checks.That(false, $"the recovery replay neither finished nor refused (exit {(exited ? early.ExitCode : -1)})");
        }
        using (var trainer = p.StartTrainer(rebase: true))
        {
            if (!replayed)
                using (var ingest = p.StartIngest(expected.Count / (replaySeconds / 2), fromRow: 1))
                    checks.That(ingest.WaitForExit(Settle) && ingest.ExitCode == 0, "the recovery replay (--from-row 1) did not finish with exit code 0");
            checks.That(trainer.WaitForExit(Settle) && trainer.ExitCode == 0, "the Trainer with --rebase did not finish with exit code 0");
        }
        var audit = ListensAudit.Of(p.Broker.Bootstrap, expected);
        var (version, manifest) = ServiceFaults.Newest(p.Checkpoints);
        long trained = manifest?.EventsTrained ?? 0, position = manifest?.StreamPosition ?? 0, read = manifest?.Offsets.Values.Sum() ?? 0;
        checks.That(read == audit.Messages, $"after --rebase the checkpoint's offsets cover {read:N0} messages, the topic holds {audit.Messages:N0}");
        Reset.Add(audit.Lost + (expected.Count - trained), audit.Duplicated + Math.Max(0, position - expected.Count), checks.Failed);
        Reset.Notes.Add($"run {seed}: after recovery the topic holds {audit.Messages:N0} ({audit.Lost} lost, {audit.Duplicated} duplicated); checkpoint {version}: position {position:N0}, trained {trained:N0} of {expected.Count:N0}");
    }
}
