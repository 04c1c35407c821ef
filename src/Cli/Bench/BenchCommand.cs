namespace KkboxNcf.Cli.Bench;

/// <summary>A benchmark that `kkbox bench NAME` runs. Add new ones to BenchCommand.All.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }

    /// <summary>Whether it takes --data DIR (a KKBOX folder): `bench all` passes its --data only to those.</summary>
    bool ReadsData => false;

    Task<BenchResult> RunAsync(Args args, CancellationToken ct);
}

/// <summary>
/// `kkbox bench NAME [options]`: runs one benchmark and writes bench-results/NAME.json.
/// `kkbox bench all`: every benchmark (see BenchAll), then bench-results/summary.md;
/// `kkbox bench summary`: summary.md again from the NAME.json files there.
/// </summary>
public sealed class BenchCommand : ICommand
{
    /// <summary>Every benchmark. Add a line here for a new one.</summary>
    public static readonly IBenchmark[] All =
    [
        new ParseBenchmark(),
        new IngestBenchmark(),
        new BrokerForwarderBenchmark(),
        new TrainBenchmark(),
        new StreamTrainBenchmark(),
        new ScoreBenchmark(),
        new FreshnessBenchmark(),
        new FaultsBenchmark(),
        new ApiFloodBenchmark(),
        new RecallBenchmark(),
        new ListsBenchmark(),
    ];

    public string[] Words => ["bench"];
    public string Usage => "bench NAME [--out bench-results]   (NAME: " + string.Join(", ", All.Select(b => b.Name)) + ")\n" +
        "  kkbox bench all [--data data/full] [--out bench-results]   every benchmark, each in its own process, then summary.md\n" +
        "  kkbox bench summary [--out bench-results]                  summary.md from the NAME.json files there";

    public async Task<int> RunAsync(Args args, CancellationToken ct)
    {
        if (args.Positional.Count != 1) throw new UsageException("name one benchmark");
        if (args.Positional[0] == "all") return await new BenchAll(args.Get("data", BenchAll.DefaultData), OutDir(args)).RunAsync(ct);
        if (args.Positional[0] == "summary")
        {
            string dir = OutDir(args);
            string path = BenchSummary.FromFiles(dir);
            Console.WriteLine($"wrote {path}");
            return 0;
        }
        var bench = All.FirstOrDefault(b => b.Name == args.Positional[0])
            ?? throw new UsageException($"unknown benchmark '{args.Positional[0]}'");
        string outDir = args.Get("out", "bench-results");
        var result = await bench.RunAsync(args, ct);
        result.Write(outDir);
        return 0;
    }

    static string OutDir(Args args)
    {
        string dir = args.Get("out", "bench-results");
        args.RejectUnknown();
        return dir;
    }
}
