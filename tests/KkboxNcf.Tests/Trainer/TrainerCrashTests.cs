using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Features;
using KkboxNcf.Tests.Data;
using KkboxNcf.Tests.Kafka;
using KkboxNcf.Trainer.Checkpointing;
using KkboxNcf.Trainer.Online;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Trainer;

/// <summary>
/// Exact resume through real crashes: the Trainer runs as a child process on a private broker, is
/// killed with SIGKILL at random moments, restarted, and must end having trained every event once,
/// with the model a run without crashes gives on the same (size-only, so deterministic) batches.
/// </summary>
public class TrainerCrashTests(ITestOutputHelper output)
{
    const string ListensTopic = "crash.listens";
    const int BatchSize = 100;
    static readonly OnlineTrainerOptions Options = new() { NDim = 8, Seed = 3, LearningRate = 0.01, StepBatchSize = 64, MetricsWindow = 1000 };

    [Fact]
    public async Task KilledAtRandomPointsTheTrainerStillTrainsEveryEventExactlyOnce()
    {
        var broker = new PrivateBroker
        {
            // one partition so the batches are the same on every run; a short session so a restarted Trainer gets it back soon
            ExtraArgs = [$"--LocalBroker:ExtraTopics:{ListensTopic}", "1", "--LocalBroker:ConsumerGroupSessionTimeoutMs", "3000"],
        };
        await broker.InitializeAsync();
        try
        {
            await Run(broker);
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    async Task Run(PrivateBroker broker)
    {
        var data = StreamData.Tiny;
        var listens = data.Listens;
        TrainerProcess.ProduceMetadata(broker.Bootstrap, data);
        // a poison message in the middle: dead-lettered, skipped, not a listen
        const int poisonAt = 1234;
        var messages = listens.Select(l => (l.Msno, Messages.Encode(l))).ToList();
        messages.Insert(poisonAt, ("poison", [0xFF, 0x01, 0x02]));
        TrainerProcess.Produce(broker.Bootstrap, ListensTopic, messages);

        using var dir = new TempDir();
        string[] args =
        [
            "--bootstrap", broker.Bootstrap, "--listens-topic", ListensTopic, "--group", "crash-test",
            "--batch-size", $"{BatchSize}", "--batch-wait-ms", "0", "--checkpoints", dir.Path,
            "--checkpoint-every", "300", "--checkpoint-seconds", "3600", "--keep", "3", "--metrics-every", "500",
            "--n-dim", "8", "--seed", "3", "--lr", "0.01", "--step-batch", "64", "--metrics-window", "1000",
            "--stop-after", $"{listens.Count}",
        ];
        var store = new CheckpointStore(dir.Path, 3, NullLogger.Instance);
        long Newest() => store.List().Select(c => c.Version).DefaultIfEmpty(0).Max();

        var rng = new Random(Environment.TickCount);
        int kills = 0;
        for (int run = 0; run < 3; run++)
        {
            using var trainer = TrainerProcess.Start(args);
            long before = Newest();
            // once training runs, the rest of the 4,000 listens takes well under a second: poll closely and
            // kill within 20 ms of the first or second new checkpoint, so the kill lands mid-stream
            long target = before + rng.Next(1, 3);
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            while (Newest() < target && !trainer.HasExited)
            {
                if (waiting.Elapsed > TimeSpan.FromSeconds(40)) Assert.Fail($"no checkpoint {target} after 40 s:\n{trainer.AllOutput}");
                await Task.Delay(5);
            }
            await Task.Delay(rng.Next(0, 20));
            if (trainer.HasExited) break;
            trainer.KillHard();
            kills++;
            output.WriteLine($"killed run {run} after checkpoint {Newest()}");
        }
        using (var last = TrainerProcess.Start(args))
            Assert.Equal(0, await last.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        output.WriteLine($"{kills} kills");
        Assert.True(kills >= 2, $"only {kills} kills landed before the stream ended");

        var (version, path) = store.List()[0];
        var contents = CheckpointFile.Read(path, null);
        var manifest = contents.Parse(CheckpointManifest.SectionName, CheckpointManifest.Read);
        Assert.Equal(listens.Count, manifest.StreamPosition);
        Assert.Equal(listens.Count, manifest.EventsTrained);
        Assert.Equal(messages.Count, manifest.Offsets[0]);

        // the same batches without crashes
        using var reference = OnlineTrainer.Create(Options);
        foreach (var u in data.Metadata) reference.ApplyMetadata(u);
        foreach (var b in StreamData.Batches(listens, BatchSize)) reference.Process(b);
        using var crashed = OnlineTrainer.Restore(Options, contents);
        Assert.Equal(reference.Trained, crashed.Trained);
        Assert.Equal(reference.Space.Cardinalities, crashed.Space.Cardinalities);
        var probe = reference.Space.Encode(listens.Select(l => new KkboxNcf.Data.Listen(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target)).ToArray(), grow: false);
        var expected = reference.Model.Predict(probe);
        var actual = crashed.Model.Predict(probe);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        Assert.Equal(reference.Metrics.Cumulative.Auc, crashed.Metrics.Cumulative.Auc, 4);

        // announced, with the file's checksum; the poison message is on the dead-letter topic with its reason
        var announced = TrainerProcess.ReadAll(broker.Bootstrap, Topics.Checkpoints).Select(m => Messages.Decode<CheckpointPublished>(m.Message.Value)).ToList();
        Assert.Contains(announced, a => a.ModelVersion == version && a.Sha256 == contents.Sha256 && a.StreamPosition == listens.Count);
        var dead = TrainerProcess.ReadAll(broker.Bootstrap, Topics.DeadLetters);
        Assert.NotEmpty(dead);
        Assert.All(dead, d =>
        {
            Assert.Equal(ListensTopic, DeadLetter.Header(d.Message.Headers, DeadLetter.TopicHeader));
            Assert.Equal($"{poisonAt}", DeadLetter.Header(d.Message.Headers, DeadLetter.OffsetHeader));
            Assert.False(string.IsNullOrWhiteSpace(DeadLetter.Header(d.Message.Headers, DeadLetter.ReasonHeader)));
        });
        Assert.True(File.Exists(Path.Combine(dir.Path, "metrics.jsonl")));
    }
}
