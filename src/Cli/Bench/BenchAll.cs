using System.Diagnostics;
using System.Text.Json;
using KkboxNcf.Data.Synth;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench all`: every benchmark of BenchCommand.All, one after the other, each in its own
/// process (`kkbox bench NAME`), so one's memory or a native crash cannot spoil the next. A failing
/// benchmark is marked and the run goes on; bench-results/summary.md gets a row for each.
/// </summary>
public sealed class BenchAll(string dataDir, string outDir)
{
    public static readonly string DefaultData = Path.Combine("data", "full");

    public async Task<int> RunAsync(CancellationToken ct)
    {
        // the data sets the benchmarks read, generated once when absent (the freshness benchmark reads data/small)
        foreach (var (dir, size) in new[] { (dataDir, SynthSize.Full), (Path.Combine("data", "small"), SynthSize.Small) })
        {
            if (dir == dataDir && dataDir != DefaultData && !File.Exists(Path.Combine(dir, "train.csv")))
                throw new UsageException($"--data {dataDir} has no train.csv");
            DataCommands.SynthCommand.EnsureGenerated(size, dir, ct);
        }
        var outcomes = new List<BenchOutcome>();
        string dll = typeof(BenchAll).Assembly.Location;
        foreach (var bench in BenchCommand.All)
        {
            ct.ThrowIfCancellationRequested();
            Console.WriteLine($"== bench {bench.Name}: {bench.Description}");
            string json = Path.Combine(outDir, bench.Name + ".json");
            var before = File.Exists(json) ? File.GetLastWriteTimeUtc(json) : DateTime.MinValue;
            string load = BenchSummary.LoadAverage();
            var clock = Stopwatch.StartNew();
            var args = new List<string> { dll, "bench", bench.Name, "--out", outDir };
            if (bench.ReadsData) args.AddRange(["--data", dataDir]);
            var (exit, tail) = await RunChildAsync(args, ct);
            double seconds = clock.Elapsed.TotalSeconds;
            string? failure = null;
            BenchResult? result = null;
            if (exit != 0) failure = $"exit code {exit}: {tail}";
            else if (!File.Exists(json) || File.GetLastWriteTimeUtc(json) <= before) failure = $"finished without writing {json}";
            else
            {
                try { result = BenchSummary.Read(json); }
                catch (JsonException e) { failure = $"{json} unreadable: {e.Message}"; }
            }
            if (failure is not null) Console.WriteLine($"== bench {bench.Name} FAILED after {seconds:F0} s: {failure}");
            outcomes.Add(new BenchOutcome(bench.Name, bench.Description, result, failure, seconds, load));
        }
        string path = BenchSummary.Write(outDir, outcomes, "this run of `./kkbox bench all`");
        int failed = outcomes.Count(o => o.Failure is not null);
        Console.WriteLine($"wrote {path}: {outcomes.Count - failed} of {outcomes.Count} benchmarks ran" +
                          $"{(failed > 0 ? $", {failed} failed ({string.Join(", ", outcomes.Where(o => o.Failure is not null).Select(o => o.Name))})" : "")}; " +
                          $"targets met: {outcomes.Count(o => o.Result?.TargetMet == true)}, missed: {outcomes.Count(o => o.Result?.TargetMet == false)}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs `dotnet Cli.dll ...`, echoing its output; returns its exit code and its last lines (for a failure's reason).</summary>
    static async Task<(int Exit, string Tail)> RunChildAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var tail = new Queue<string>();
        var gate = new object();
        void Echo(string? line, TextWriter to)
        {
            if (line is null) return;
            to.WriteLine(line);
            lock (gate) { tail.Enqueue(line); if (tail.Count > 5) tail.Dequeue(); }
        }
        p.OutputDataReceived += (_, e) => Echo(e.Data, Console.Out);
        p.ErrorDataReceived += (_, e) => Echo(e.Data, Console.Error);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try { await p.WaitForExitAsync(ct); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        lock (gate) return (p.ExitCode, string.Join(" | ", tail.Where(l => l.Trim().Length > 0).TakeLast(2)));
    }
}
