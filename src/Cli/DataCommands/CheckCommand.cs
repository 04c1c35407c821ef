using KkboxNcf.Data;
using KkboxNcf.Data.Evaluation;

namespace KkboxNcf.Cli.DataCommands;

/// <summary>
/// `kkbox data check`: reads every KKBOX file of a folder with the project's readers (real or
/// generated files), prints rows, rejects by reason and where they were written, and, for generated
/// data, the best reachable AUC from the truth files.
/// </summary>
public sealed class CheckCommand : ICommand
{
    public string[] Words => ["data", "check"];
    public string Usage => "data check [--data data/small] [--rejects DIR/rejects.jsonl]";

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "small"));
        string rejects = args.Get("rejects", Path.Combine(dir, "rejects.jsonl"));
        args.RejectUnknown();
        if (!Directory.Exists(dir)) throw new UsageException($"no folder {dir}");

        using var sink = new RejectSink(rejects);
        var report = new ReadReport(sink);
        foreach (var schema in KkboxSchema.All)
        {
            string path = Path.Combine(dir, schema.FileName);
            if (!File.Exists(path)) { Console.WriteLine($"{schema.FileName}: missing"); continue; }
            // Reading is the check: every row ends up accepted or in the report's rejects.
            if (schema == KkboxSchema.Train || schema == KkboxSchema.Test) KkboxReader.ScanListens(path, report, (in ListenFields _) => { }, ct);
            else if (schema == KkboxSchema.Songs) Drain(KkboxReader.ReadSongs(path, report, ct));
            else if (schema == KkboxSchema.Members) Drain(KkboxReader.ReadMembers(path, report, ct));
            else Drain(KkboxReader.ReadSongExtras(path, report, ct));
        }
        sink.Flush();
        Console.Write(report.Summary());
        if (File.Exists(Path.Combine(dir, TruthFile.TrainName)))
        {
            var train = TruthFile.ForTrain(dir);
            Console.WriteLine($"train: positive rate {train.PositiveRate:P2}, best reachable AUC {train.BestAuc:F4} ({train.Rows:N0} rows)");
        }
        if (File.Exists(Path.Combine(dir, TruthFile.TestName)))
        {
            var test = TruthFile.ForTest(dir);
            Console.WriteLine($"test: positive rate {test.PositiveRate:P2}, best reachable AUC {test.BestAuc:F4} ({test.Rows:N0} rows)");
        }
        return Task.FromResult(0);
    }

    static void Drain<T>(IEnumerable<T> items)
    {
        foreach (var _ in items) { }
    }
}
