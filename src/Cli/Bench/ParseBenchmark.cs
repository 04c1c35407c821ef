using System.Diagnostics;
using KkboxNcf.Cli.DataCommands;
using KkboxNcf.Data;
using KkboxNcf.Data.Synth;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench parse [--data DIR]`: rows/s of the train.csv reader on the full-size file
/// (generated into data/full when absent). Reference, same run, same file: a plain line count over
/// the same 1 MiB buffered reads (the floor any CSV reader pays for I/O). The file is read once
/// first so both measure from the page cache. Value: the span reader Ingest uses (ScanListens);
/// the typed record stream (ReadListens) is in the details.
/// </summary>
public sealed class ParseBenchmark : IBenchmark
{
    public string Name => "parse";
    public string Description => "train.csv reader rows/s vs a plain line count";

    public bool ReadsData => true;

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "full"));
        args.RejectUnknown();
        string path = Path.Combine(dir, KkboxSchema.Train.FileName);
        SynthCommand.EnsureGenerated(SynthSize.Full, dir, ct);
        double megabytes = new FileInfo(path).Length / 1e6;

        CountLines(path); // warm the page cache
        var sw = Stopwatch.StartNew();
        long lines = CountLines(path);
        double lineSeconds = sw.Elapsed.TotalSeconds;
        long dataLines = lines - 1;

        var report = new ReadReport();
        long scanned = 0, checksum = 0;
        sw.Restart();
        KkboxReader.ScanListens(path, report, (in ListenFields f) => { scanned++; checksum += f.Target + f.SongId.Length; }, ct);
        double scanSeconds = sw.Elapsed.TotalSeconds;

        long typed = 0;
        sw.Restart();
        foreach (var listen in KkboxReader.ReadListens(path, new ReadReport(), ct)) { typed++; checksum += listen.Target; }
        double typedSeconds = sw.Elapsed.TotalSeconds;

        double scanRate = scanned / scanSeconds;
        Console.WriteLine($"{path}: {megabytes:F0} MB, {dataLines:N0} data lines; line count {lineSeconds:F2} s, " +
            $"span reader {scanSeconds:F2} s ({scanRate:N0} rows/s), typed reader {typedSeconds:F2} s ({typed / typedSeconds:N0} rows/s)");
        if (scanned + report.TotalRejected != dataLines)
            Console.WriteLine($"warning: {scanned:N0} rows read + {report.TotalRejected:N0} rejected != {dataLines:N0} lines");
        return Task.FromResult(new BenchResult(Name, scanRate, "rows/s", "plain newline count, same file and buffers", dataLines / lineSeconds, 1.5e6,
            Details: new Dictionary<string, object>
            {
                ["file"] = path,
                ["megabytes"] = Math.Round(megabytes, 1),
                ["rows"] = scanned,
                ["rejected"] = report.TotalRejected,
                ["span_reader_seconds"] = Math.Round(scanSeconds, 3),
                ["typed_reader_rows_per_s"] = Math.Round(typed / typedSeconds),
                ["typed_reader_seconds"] = Math.Round(typedSeconds, 3),
                ["line_count_seconds"] = Math.Round(lineSeconds, 3),
                ["line_count_megabytes_per_s"] = Math.Round(megabytes / lineSeconds),
                ["span_reader_megabytes_per_s"] = Math.Round(megabytes / scanSeconds),
                ["checksum"] = checksum,
            }));
    }

    static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) lines += buffer.AsSpan(0, n).Count((byte)'\n');
        return lines;
    }
}
