using KkboxNcf.Data.Synth;

namespace KkboxNcf.Cli.DataCommands;

/// <summary>`kkbox data synth`: writes a KKBOX-shaped data set (five files, truth files, synth.json).</summary>
public sealed class SynthCommand : ICommand
{
    public string[] Words => ["data", "synth"];
    public string Usage => "data synth --size tiny|small|full [--out data/SIZE] [--seed 42]";

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string sizeName = args.Get("size", "small");
        SynthSize size;
        try { size = SynthSize.Parse(sizeName); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        string outDir = args.Get("out", Path.Combine("data", size.Name));
        long seed = args.Long("seed", 42);
        args.RejectUnknown();

        Console.WriteLine($"writing the {size.Name} data set (seed {seed}) to {outDir}");
        var summary = Generate(size, (ulong)seed, outDir, ct);
        Console.WriteLine($"done in {summary.Seconds:F1} s: train {summary.TrainRows:N0} rows, test {summary.TestRows:N0}, " +
            $"members {summary.MembersRows:N0}, songs {summary.SongsRows:N0}, song_extra_info {summary.SongExtraRows:N0}");
        Console.WriteLine($"listened songs {summary.ListenedSongs:N0} (train {summary.TrainSongs:N0}); train users {summary.TrainUsers:N0}; " +
            $"test users not in train {summary.TestUsersNotInTrain:N0}, test songs not in train {summary.TestSongsNotInTrain:N0}");
        Console.WriteLine($"positive rate {summary.PositiveRate:P1} (first 5% {summary.PositiveRateEarly:P1}, last 5% {summary.PositiveRateLate:P1}); " +
            $"best reachable AUC train {summary.BestAucTrain:F4}, test {summary.BestAucTest:F4}; " +
            $"collaborative part alone {summary.CollaborativeOnlyAucTrain:F4} / {summary.CollaborativeOnlyAucTest:F4}");
        return Task.FromResult(0);
    }

    /// <summary>The benchmarks' data: generated (seed 42) into DIR unless DIR already has a train.csv.</summary>
    public static void EnsureGenerated(SynthSize size, string dir, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(dir, "train.csv"))) return;
        Console.WriteLine($"{dir}/train.csv is missing: generating the {size.Name} data set into {dir}");
        Generate(size, 42, dir, ct);
    }

    /// <summary>Generates with progress lines on the console (used by the benchmarks too).</summary>
    public static SynthSummary Generate(SynthSize size, ulong seed, string outDir, CancellationToken ct)
    {
        var start = DateTime.UtcNow;
        return new KkboxSynthesizer(size, seed, m => Console.WriteLine($"  [{(DateTime.UtcNow - start).TotalSeconds,5:F1} s] {m}"))
            .Generate(outDir, ct);
    }
}
