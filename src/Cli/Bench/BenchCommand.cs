namespace KkboxNcf.Cli.Bench;

/// <summary>A benchmark that `kkbox bench NAME` runs. Add new ones to BenchCommand.All.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<BenchResult> RunAsync(Args args, CancellationToken ct);
}

/// <summary>`kkbox bench NAME [options]`: runs one benchmark and writes bench-results/NAME.json.</summary>
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
    ];

    public string[] Words => ["bench"];
    public string Usage => "bench NAME [--out bench-results]   (NAME: " + string.Join(", ", All.Select(b => b.Name)) + ")";

    public async Task<int> RunAsync(Args args, CancellationToken ct)
    {
        if (args.Positional.Count != 1) throw new UsageException("name one benchmark");
        var bench = All.FirstOrDefault(b => b.Name == args.Positional[0])
            ?? throw new UsageException($"unknown benchmark '{args.Positional[0]}'");
        string outDir = args.Get("out", "bench-results");
        var result = await bench.RunAsync(args, ct);
        result.Write(outDir);
        return 0;
    }
}
