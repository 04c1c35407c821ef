using System.Globalization;
using KkboxNcf.Data;
using KkboxNcf.Data.Synth;

namespace KkboxNcf.Cli.DataCommands;

/// <summary>
/// `kkbox data stats`: the facts of a train.csv's first rows (sessions, replay autocorrelation,
/// tabs, drift, activity, cold start, personal vs popular lists), the same definitions for real and
/// generated folders so they can be compared (docs/data.md has the table).
/// </summary>
public sealed class StatsCommand : ICommand
{
    public string[] Words => ["data", "stats"];
    public string Usage => "data stats --data DIR [--rows 20000]";

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Required("data");
        long limit = args.Long("rows", 20_000);
        args.RejectUnknown();
        if (limit < 20) throw new UsageException($"--rows must be at least 20 (the last 5% are the test rows), got {limit}");
        string path = Path.Combine(dir, KkboxSchema.Train.FileName);
        if (!File.Exists(path)) throw new UsageException($"no {KkboxSchema.Train.FileName} in {dir}");

        var report = new ReadReport();
        var rows = new List<FactsRow>();
        foreach (var l in KkboxReader.ReadListens(path, report, ct))
        {
            rows.Add(new FactsRow(l.Msno, l.SongId, l.SourceSystemTab, l.Target));
            if (rows.Count >= limit) break;
        }
        if (rows.Count < 20) throw new UsageException($"{path} has {rows.Count} readable rows: at least 20 are needed");
        var f = DataFacts.Compute(rows);
        Console.Write(Format(path, f, report.TotalRejected));
        return Task.FromResult(0);
    }

    public static string Format(string path, DataFacts f, long rejected)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        w.WriteLine($"{path}: first {f.Rows:N0} rows{(rejected > 0 ? $" ({rejected:N0} rejected rows skipped)" : "")}");
        w.WriteLine($"  consecutive rows of the same member  {f.SameMemberAsPrevious:P1} (mean run {f.MeanRunLength:F2} rows; {f.RowsInRunsOf10:P1} of rows in runs of {DataFacts.LongRun}+)");
        w.WriteLine($"  P(target=1) after previous 1 / 0     {f.ReplayAfterReplay:F3} / {f.ReplayAfterNoReplay:F3}");
        w.WriteLine($"  positive rate                        {f.PositiveRate:F3} (first 5% {f.PositiveRateFirst5:F3}, last 5% {f.PositiveRateLast5:F3})");
        w.WriteLine($"  members / songs                      {f.Members:N0} / {f.Songs:N0}; listens per member median {f.ListensPerMemberMedian:0.#}, max {f.ListensPerMemberMax:N0}; songs heard once {f.SongsHeardOnce:P1}");
        w.WriteLine($"  last 5% rows: song / member absent   {f.TailSongAbsent:P1} / {f.TailMemberAbsent:P1} from the rows before");
        w.WriteLine($"  duplicate (member, song) pairs       {f.DuplicatePairs:N0}");
        w.WriteLine($"  HR@{DataFacts.ListSize} on the last 5% ({f.ListEvents:N0} listens of known members): most played {f.MostPlayedHitRate:P2}, item-to-item co-listen {f.ItemItemHitRate:P2}");
        w.WriteLine("  tab                 share   replay rate");
        foreach (var t in f.Tabs)
            w.WriteLine($"  {(t.Tab.Length == 0 ? "(empty)" : t.Tab),-18} {t.Share,6:P1}   {t.ReplayRate:F3}");
        return w.ToString();
    }
}
