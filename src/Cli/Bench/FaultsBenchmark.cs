using KkboxNcf.Data.Synth;
using KkboxNcf.Faults;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench faults`: the long, randomized versions of the fault tests, on real processes (local
/// broker, redis-server, Ingest, Trainer, Scorer) on private ports. Each run: a replay with every service
/// killed (SIGKILL) --kills times at random moments, then Redis restarted empty and corrupted
/// checkpoints; the broker hung mid-replay; the broker restarted empty mid-replay and the documented
/// recovery; a full disk under the checkpoints (tmpfs, root only). Reported per fault: runs tried and
/// passed, events lost and duplicated (each must be 0). Value: events lost + duplicated over all
/// faults (target 0); reference: the runs tried.
/// </summary>
public sealed class FaultsBenchmark : IBenchmark
{
    public string Name => "faults";

    public string Description => "crash/restart faults (kill -9, Redis and broker restarts, corrupt checkpoints, full disk): runs passed, events lost/duplicated";

    // not the shared --data of `bench all`: the default is the tiny generated set, which keeps each
    // replay to seconds; --data DIR replays a bigger folder
    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string? data = args.Get("data");
        int runs = (int)args.Long("runs", 3);
        int kills = (int)args.Long("kills", 3);
        double seconds = args.Double("replay-seconds", 20);
        int seed = (int)args.Long("seed", Environment.TickCount & 0xFFFF);
        args.RejectUnknown();
        string work = Directory.CreateTempSubdirectory("kkbox-bench-faults-").FullName;
        if (data is null)
        {
            data = Path.Combine(work, "data");
            new KkboxSynthesizer(SynthSize.Tiny, 42).Generate(data);
        }
        void Say(string line) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
        var services = new ServiceFaults(data, work, Say);
        var broker = new BrokerFaults(data, work, Say);
        var disk = new DiskFullFault(data, work, Say);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int run = 0; run < runs; run++)
        {
            ct.ThrowIfCancellationRequested();
            int s = seed + run;
            Say($"run {run + 1}/{runs} (seed {s})");
            Attempt(() => services.Run(kills, seconds, s), services.All, Say);
            Attempt(() => broker.RunHang(seconds, s), [broker.Hang], Say);
            Attempt(() => broker.RunReset(seconds, s), [broker.Reset], Say);
            if (disk.NotRun is null) Attempt(() => disk.Run(seconds, s), [disk.Outcome], Say);
        }
        var all = services.All.Concat(broker.All).Append(disk.Outcome).ToList();
        foreach (var o in all)
        {
            Say(o.ToString());
            foreach (var note in o.Notes) Say("  " + note);
        }
        long bad = all.Sum(o => o.EventsLost + o.EventsDuplicated);
        int tried = all.Sum(o => o.Runs), passed = all.Sum(o => o.Passed);
        var details = new Dictionary<string, object>
        {
            ["data"] = data,
            ["runs_per_fault"] = runs,
            ["kills_per_service_per_run"] = kills,
            ["replay_seconds"] = seconds,
            ["seed"] = seed,
            ["runs_tried"] = tried,
            ["runs_passed"] = passed,
            ["faults"] = all.Select(o => new Dictionary<string, object>
            {
                ["fault"] = o.Fault,
                ["runs"] = o.Runs,
                ["passed"] = o.Passed,
                ["events_lost"] = o.EventsLost,
                ["events_duplicated"] = o.EventsDuplicated,
                ["failures"] = o.Failures,
                ["notes"] = o.Notes,
            }).ToList(),
            ["not_run"] = disk.NotRun ?? "",
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds),
            ["logs"] = work,
            ["note"] = "shared 2-core machine: broker, Redis, the three services and other sessions share the cores; timings in the notes are indicative",
        };
        // the logs are kept for a failed run only (they are what explains it)
        if (passed == tried && bad == 0)
        {
            Directory.Delete(work, recursive: true);
            details["logs"] = "deleted: every run passed";
        }
        Say($"{passed}/{tried} fault runs passed, {bad} events lost or duplicated{(passed == tried && bad == 0 ? "" : $"; logs in {work}")}");
        return Task.FromResult(new BenchResult(Name, bad, "events lost or duplicated", "fault runs tried", tried, Target: 0, HigherIsBetter: false, Details: details));
    }

    /// <summary>A run that throws (a process that would not start, say) counts as a failed run of its faults, with the reason.</summary>
    static void Attempt(Action run, IEnumerable<FaultOutcome> outcomes, Action<string> say)
    {
        try { run(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            say($"run failed: {e.Message}");
            foreach (var o in outcomes) o.Add(0, 0, [$"the run did not complete: {e.GetType().Name}: {e.Message}"]);
        }
    }
}
