using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Cli.DataCommands;
using KkboxNcf.Contracts;
using KkboxNcf.Data.Synth;
using KkboxNcf.Ingest;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench ingest [--data DIR]`: the full-size train.csv from file to acknowledged records on a
/// local broker of the benchmark's own, in listens per second over the whole replay (pre-pass, song
/// catalogue and member metadata included). Reference, same run, same broker, same producer
/// settings: librdkafka producing pre-built records of the same count and sizes, with no parsing.
/// Memory is sampled through the replay to show it stays flat as the file is read.
/// </summary>
public sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";
    public string Description => "train.csv -> acknowledged Kafka records, events/s vs producing pre-built records";

    public bool ReadsData => true;

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        string dir = args.Get("data", Path.Combine("data", "full"));
        args.RejectUnknown();
        SynthCommand.EnsureGenerated(SynthSize.Full, dir, ct);
        using var broker = LocalBrokerProcess.Start();
        var kafka = new KafkaSettings { BootstrapServers = broker.Bootstrap };
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

        // The replay, with memory sampled every 250 ms.
        var samples = new List<(double Seconds, long Bytes)>();
        var clock = Stopwatch.StartNew();
        using var sampler = new Timer(_ => { lock (samples) samples.Add((clock.Elapsed.TotalSeconds, Environment.WorkingSet)); }, null, 0, 250);
        // Rejects, and the reset guard's progress record beside them, in a folder of this run's own: a
        // record shared across runs would take the next broker that gets the same random port for one
        // that lost its topics.
        var work = Directory.CreateTempSubdirectory("kkbox-bench-ingest-");
        var replay = new ListenReplay(new IngestSettings { DataDirectory = dir, RejectsPath = Path.Combine(work.FullName, "rejects.jsonl") },
            kafka, loggers.CreateLogger<ListenReplay>());
        var summary = replay.Run(ct);
        sampler.Dispose();
        if (summary.RowsRejected == 0 && summary.Failed == 0) work.Delete(recursive: true);
        else Console.WriteLine($"rejected rows and failed deliveries are kept in {work.FullName}");
        if (summary.Failed > 0) Console.WriteLine($"warning: {summary.Failed:N0} deliveries failed ({summary.FailuresPath})");
        double value = summary.ListensSent / summary.Elapsed.TotalSeconds;

        // The reference: the same number of records of the same sizes, built before the clock starts.
        int keyBytes = 44, valueBytes = (int)Math.Round(AverageListenBytes(dir));
        var pool = Enumerable.Range(0, 1 << 16).Select(i => new Message<byte[], byte[]>
        {
            Key = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(BitConverter.GetBytes((long)i * 2654435761L)).PadRight(keyBytes, 'A')),
            Value = Enumerable.Range(0, valueBytes).Select(b => (byte)((b * 31 + i) % 251)).ToArray(),
        }).ToArray();
        double reference = ProducePrebuilt(kafka, pool, summary.ListensSent, ct);

        var rss = samples.ToArray();
        long Rss(double fraction) => rss.Length == 0 ? 0 : rss[Math.Min(rss.Length - 1, (int)(fraction * (rss.Length - 1)))].Bytes;
        Console.WriteLine($"replay: {summary.ListensSent:N0} listens + {summary.EventsSent - summary.ListensSent:N0} metadata events in {summary.Elapsed.TotalSeconds:F1} s (preparing {summary.Preparing.TotalSeconds:F1} s) " +
            $"({value:N0} listens/s); pre-built reference {reference:N0} records/s; memory at 25/50/75/100% of the replay: " +
            string.Join(" / ", new[] { 0.25, 0.5, 0.75, 1.0 }.Select(f => $"{Rss(f) / 1e6:N0} MB")));
        return Task.FromResult(new BenchResult(Name, value, "events/s", "librdkafka producing pre-built records of the same sizes, same broker and settings",
            reference, 300_000, Details: new Dictionary<string, object>
            {
                ["listens"] = summary.ListensSent,
                ["metadata_events"] = summary.EventsSent - summary.ListensSent,
                ["failed"] = summary.Failed,
                ["seconds"] = Math.Round(summary.Elapsed.TotalSeconds, 2),
                ["seconds_preparing"] = Math.Round(summary.Preparing.TotalSeconds, 2),
                ["value_bytes"] = valueBytes,
                ["rss_mb_at_25_50_75_100_percent"] = new[] { 0.25, 0.5, 0.75, 1.0 }.Select(f => Math.Round(Rss(f) / 1e6)).ToArray(),
                ["rss_mb_peak"] = Math.Round(rss.Select(s => s.Bytes).DefaultIfEmpty(0).Max() / 1e6),
            }));
    }

    /// <summary>Mean encoded size of the first 10,000 listens of the file.</summary>
    static double AverageListenBytes(string dir)
    {
        var writer = new MessageWriter();
        long total = 0, n = 0;
        foreach (var l in KkboxNcf.Data.KkboxReader.ReadListens(Path.Combine(dir, "train.csv"), new KkboxNcf.Data.ReadReport()).Take(10_000))
        {
            writer.Reset();
            Messages.Encode(new ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0), writer);
            total += writer.Length;
            n++;
        }
        return n == 0 ? 100 : (double)total / n;
    }

    static double ProducePrebuilt(KafkaSettings kafka, Message<byte[], byte[]>[] pool, long count, CancellationToken ct)
    {
        var config = KafkaClientConfigs.Producer(kafka, "kkbox-bench-reference");
        config.BatchSize ??= 1_000_000;
        config.QueueBufferingMaxMessages ??= 500_000;
        config.DeliveryReportFields ??= "status";
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        long delivered = 0, failed = 0;
        Action<DeliveryReport<byte[], byte[]>> handler = r => { if (r.Error.IsError) Interlocked.Increment(ref failed); else Interlocked.Increment(ref delivered); };
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            if ((i & 0xffff) == 0) ct.ThrowIfCancellationRequested();
            while (true)
            {
                try { producer.Produce(Topics.Listens, pool[i & 0xffff], handler); break; }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(20)); }
            }
        }
        while (Interlocked.Read(ref delivered) + Interlocked.Read(ref failed) < count) producer.Flush(TimeSpan.FromSeconds(1));
        return count / clock.Elapsed.TotalSeconds;
    }
}
