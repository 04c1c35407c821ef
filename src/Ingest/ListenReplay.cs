using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Hosting;
using KkboxNcf.Ingest.Resume;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Ingest;

/// <summary>
/// Replays a KKBOX data folder into Kafka: members first, then train.csv (and test.csv when asked)
/// in file order as listens keyed by member, each song's metadata just before its first listen.
/// Runs synchronously on one thread: librdkafka batches and sends in the background, delivery
/// reports arrive on its poll thread, and pacing simply blocks this thread.
/// </summary>
public sealed class ListenReplay(IngestSettings settings, KafkaSettings kafka, ILogger<ListenReplay> log)
{
    const string ClientId = "kkbox-ingest";

    public ReplaySummary Run(CancellationToken ct)
    {
        var files = KkboxFiles.In(settings.DataDirectory);
        foreach (var missing in files.MissingOptional())
            log.LogWarning("{File} is missing in {Dir}: listens of its members/songs will train with unknown metadata", missing, settings.DataDirectory);

        string rejectsPath = settings.RejectsPath ?? Path.Combine(settings.DataDirectory, "ingest-rejects.jsonl");
        string failuresPath = Path.ChangeExtension(rejectsPath, null) + "-delivery-failures.jsonl";
        using var rejects = new RejectSink(rejectsPath);
        var report = new ReadReport(rejects);
        var clock = Stopwatch.StartNew();

        if (settings.IncludeTest && files.Test is null) log.LogWarning("--test asked for, but {Dir} has no test.csv", settings.DataDirectory);

        // Where to start: the operator's --from-row, else what the topics already hold (after a guard
        // check that the broker did not lose them since an earlier run). These are round trips to the
        // broker that take about a second and little CPU, so they run while the catalogue loads (on a
        // thread of their own: blocked on the network, they must not hold one of the pool threads the
        // catalogue's two files load on).
        using var guard = new ResetGuard(kafka, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(rejectsPath))!, "ingest-progress.json"), log);
        var startRead = Task.Factory.StartNew(() =>
        {
            guard.CheckAtStart(acceptReset: settings.FromRow is not null);
            return settings.FromRow is { } from ? ResumePoint.At(from, TopicTail.PartitionCount(kafka, Topics.Listens)) : ResumePoint.FromTopics(kafka);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        SongCatalog catalog;
        try
        {
            catalog = SongCatalog.Load(files.Songs, files.SongExtras, report, ct);
        }
        catch
        {
            Task.WaitAny(startRead); // it uses the guard, which is disposed on the way out
            throw;
        }
        var prepared = clock.Elapsed;
        var start = startRead.GetAwaiter().GetResult();
        long estimatedRows = EstimateRows(files.Train) + (settings.IncludeTest && files.Test is not null ? EstimateRows(files.Test) : 0);
        if (start.FromStart)
            log.LogInformation("Song catalogue of {Songs:N0} songs ({Extras:N0} with extra info) read in {Seconds:F1} s; replaying about {Rows:N0} listens from row {From:N0}",
                catalog.Songs, catalog.Extras, prepared.TotalSeconds, estimatedRows, start.FirstRow);
        else
            log.LogInformation("Song catalogue of {Songs:N0} songs read in {Seconds:F1} s; resuming: {Topic} already holds rows up to {Rows} (per partition), sending what follows",
                catalog.Songs, prepared.TotalSeconds, Topics.Listens, string.Join(", ", start.LastRows));

        var config = KafkaClientConfigs.Producer(kafka, ClientId);
        config.BatchSize ??= 1_000_000;
        config.QueueBufferingMaxMessages ??= 500_000;
        // Delivery reports carry only the status: copying every key and value back into managed
        // memory would cost more than producing them. The row travels in the handler instead.
        config.DeliveryReportFields ??= "status";
        using var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, e) => log.LogWarning("Kafka: {Reason} ({Code})", e.Reason, e.Code))
            .SetLogHandler((_, m) =>
            {
                guard.OnClientLog(m);
                log.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message);
            })
            .Build();
        using var tracker = new DeliveryTracker(failuresPath);
        using var lagGate = new LagGate(kafka, settings.LagGroup, settings.MaxLag, log);
        var pacer = new Pacer(settings.Rate);
        var progress = new Progress("listens", estimatedRows, log);
        long members = 0, songs = 0, extras = 0, lastRow = 0, sent = 0;
        bool completed = false, reset = false;

        // Listens go to the partition MemberPartitioner gives (the CRC-32 of the key that librdkafka's
        // default partitioner would compute again for every event); metadata to the partitioner's choice.
        var listenPartitions = Enumerable.Range(0, start.ListenPartitions).Select(p => new TopicPartition(Topics.Listens, p)).ToArray();
        TopicPartition membersTopic = new(Topics.Members, Partition.Any), songsTopic = new(Topics.Songs, Partition.Any),
            extrasTopic = new(Topics.SongExtras, Partition.Any);

        void Send(TopicPartition to, byte[] key, byte[] value, long row)
        {
            var message = new Message<byte[], byte[]> { Key = key, Value = value };
            string topic = to.Topic;
            while (true)
            {
                try
                {
                    producer.Produce(to, message, tracker.HandlerFor(topic, row));
                    tracker.Sending();
                    return;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20)); // let deliveries drain, then retry
                    guard.Check();
                    ct.ThrowIfCancellationRequested();
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.IsFatal)
                {
                    // the idempotent producer gives up when the broker forgot its sequence numbers (a reset)
                    guard.Check(force: true);
                    throw;
                }
                catch (ProduceException<byte[], byte[]> e)
                {
                    tracker.Fail(topic, row, e.Error.Reason);
                    return;
                }
            }
        }

        try
        {
            if (files.Members is not null && start.SendMembers)
                foreach (var m in start.MembersAfterMarker(KkboxReader.ReadMembers(files.Members, report, ct).ToList(), m => m.Msno))
                {
                    Send(membersTopic, Utf8(m.Msno), Messages.Encode(new MemberUpdated(m.Msno, m.City, m.Bd, m.Gender,
                        m.RegisteredVia, m.RegistrationInitTime, m.ExpirationDate)), 0);
                    members++;
                }

            var writer = new MessageWriter();
            void OnListen(in ListenFields f, long row, int target)
            {
                if (catalog.TakeFirst(f.SongId, out var song, out var extra))
                {
                    byte[] songKey = f.SongId.ToArray();
                    if (song is not null && start.SendSong(songKey)) { Send(songsTopic, songKey, song, row); songs++; }
                    if (extra is not null && start.SendSongExtra(songKey)) { Send(extrasTopic, songKey, extra, row); extras++; }
                }
                int partition = start.PartitionOf(f.Msno);
                if (!start.SendListen(row, partition, f.Msno, f.SongId)) return;
                writer.Reset();
                ListenRecorded.WriteUtf8(writer, row, f.Msno, f.SongId, f.SourceSystemTab, f.SourceScreenName, f.SourceType,
                    target, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                Send(listenPartitions[partition], f.Msno.ToArray(), writer.ToArray(), row);
                lastRow = row;
                sent++;
                pacer.Tick(ct);
                lagGate.Wait(ct);
                if ((sent & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    guard.Check();
                    progress.Report(sent, $"delivered {tracker.Delivered:N0}, failed {tracker.Failed:N0}");
                }
            }

            long trainRows = KkboxReader.ScanListens(files.Train, report, (in ListenFields f) => OnListen(f, f.Row, f.Target), ct).Rows;
            if (settings.IncludeTest && files.Test is not null)
                KkboxReader.ScanListens(files.Test, report, (in ListenFields f) => OnListen(f, trainRows + f.Row, -1), ct);
            foreach (var unreached in start.Unreached())
                log.LogError("Resume marker never reached in the data: {Partition} holds rows of another replay", unreached);
            completed = true;
        }
        catch (OperationCanceledException)
        {
            log.LogWarning("Stopping at row {Row:N0}: flushing what was sent; run Ingest again (without --from-row) to resume after the last delivered row", lastRow);
        }
        catch (BrokerResetException)
        {
            reset = true;
            throw;
        }
        finally
        {
            // after a reset what is in flight cannot land on the old topic; do not wait 90 s for it
            if (reset) producer.Flush(TimeSpan.FromSeconds(2));
            else Flush(producer, tracker);
            progress.Done(sent, $"delivered {tracker.Delivered:N0}, failed {tracker.Failed:N0}");
        }

        guard.Check(force: true); // a reset in the last seconds of the replay still shows

        var summary = new ReplaySummary(sent, tracker.Sent, tracker.Delivered, tracker.Failed, members, songs, extras, lastRow,
            report.TotalRejected, clock.Elapsed, prepared, lagGate.Paused, completed, failuresPath, rejectsPath);
        foreach (var line in report.Summary().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            log.LogInformation("Read: {Line}", line.TrimEnd());
        if (summary.Failed > 0)
            log.LogError("{Failed:N0} events were not delivered; each is kept with its row and reason in {Path}", summary.Failed, failuresPath);
        return summary;
    }

    void Flush(IProducer<byte[], byte[]> producer, DeliveryTracker tracker)
    {
        // Bounded: a broker that is gone cannot hold the process forever; what is still in flight
        // after the producer's own message timeout is reported as failed by librdkafka.
        var deadline = Stopwatch.StartNew();
        while (tracker.InFlight > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90))
            producer.Flush(TimeSpan.FromSeconds(1));
        if (tracker.InFlight > 0)
            log.LogError("{InFlight:N0} events still unacknowledged after 90 s of flushing", tracker.InFlight);
    }

    /// <summary>Rows of a CSV file estimated from its size and its first 1 MiB (for progress only).</summary>
    static long EstimateRows(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        int lines = buffer.AsSpan(0, n).Count((byte)'\n');
        return lines == 0 ? 0 : (long)((double)stream.Length / n * lines) - 1;
    }

    static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
