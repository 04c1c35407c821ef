using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Tests.Data;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Tests.Trainer;

public class TrainerServiceTests
{
    [Theory]
    [InlineData("--batch-size", "0", "Trainer:BatchSize")]
    [InlineData("--lr", "-1", "Trainer:LearningRate")]
    [InlineData("--model", "svd", "Trainer:Model")]
    [InlineData("--max-users", "10", "Trainer:MaxUsers")]
    [InlineData("--keep", "0", "Trainer:KeepCheckpoints")]
    public async Task ABadSettingStopsTheServiceWithAMessageNamingIt(string option, string value, string named)
    {
        using var dir = new TempDir();
        using var trainer = TrainerProcess.Start("--checkpoints", dir.Path, option, value);
        Assert.Equal(2, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(named, trainer.AllOutput);
        Assert.Empty(Directory.GetFiles(dir.Path, "ckpt-*"));
    }

    [Fact]
    public async Task AnUnknownOptionIsRefused()
    {
        using var trainer = TrainerProcess.Start("--batchsize", "10");
        Assert.Equal(2, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("unknown option --batchsize", trainer.AllOutput);
    }

    [Fact]
    public async Task OnSigtermItFinishesTheBatchInHandAndWritesAFinalCheckpoint()
    {
        var broker = new PrivateBroker();
        await broker.InitializeAsync();
        try
        {
            var data = StreamData.Tiny;
            TrainerProcess.ProduceMetadata(broker.Bootstrap, data);
            TrainerProcess.Produce(broker.Bootstrap, Topics.Listens, data.Listens.Select(l => (l.Msno, Messages.Encode(l))));
            using var dir = new TempDir();
            string health = dir.File("health");
            using var trainer = TrainerProcess.Start("--bootstrap", broker.Bootstrap, "--checkpoints", dir.Path, "--batch-size", "200",
                "--batch-wait-ms", "200", "--checkpoint-every", "1000", "--metrics-every", "500", "--lr", "0.01", "--health-file", health);
            string metricsFile = Path.Combine(dir.Path, "metrics.jsonl");
            long Seen() => File.Exists(metricsFile)
                ? File.ReadLines(metricsFile).Select(l => MetricsSnapshot.FromJson(l)!.Position).DefaultIfEmpty(0).Max() : 0;
            await trainer.WaitUntilAsync(() => Seen() >= 2000 && File.Exists(health), TimeSpan.FromSeconds(60), "2,000 listens and a health file");
            trainer.Terminate();
            Assert.Equal(0, await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.False(File.Exists(health)); // removed on stop

            var newest = Directory.GetFiles(dir.Path, "ckpt-*.kkc").Order().Last();
            var manifest = CheckpointFile.ReadManifest(newest);
            var lines = File.ReadLines(metricsFile).Select(l => MetricsSnapshot.FromJson(l)!).ToList();
            // the final checkpoint holds everything seen; offsets over the 8 partitions add up to it
            Assert.Equal(lines.Max(l => l.Position), manifest.StreamPosition);
            Assert.Equal(manifest.StreamPosition, manifest.Offsets.Values.Sum());
            Assert.Equal(manifest.StreamPosition, manifest.EventsTrained);
            Assert.True(manifest.ModelVersion >= 2);
            Assert.All(lines, l => Assert.Equal(l.Labeled, l.Position));
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task ARestartedTrainerAnnouncesTheCheckpointItResumedFromAgain()
    {
        // a crash between a checkpoint's write and its announcement's delivery loses the announcement; a
        // Trainer that then resumes at the stream's end writes no new checkpoint, so it must announce again.
        // Simulated with a second checkpoints topic that never saw the first announcement.
        var broker = new PrivateBroker { ExtraArgs = ["--LocalBroker:ExtraTopics:announced.first", "1", "--LocalBroker:ExtraTopics:announced.again", "1"] };
        await broker.InitializeAsync();
        try
        {
            var data = StreamData.Tiny;
            TrainerProcess.ProduceMetadata(broker.Bootstrap, data);
            TrainerProcess.Produce(broker.Bootstrap, Topics.Listens, data.Listens.Take(1000).Select(l => (l.Msno, Messages.Encode(l))));
            using var dir = new TempDir();
            string[] Args(string topic) => ["--bootstrap", broker.Bootstrap, "--checkpoints", dir.Path, "--batch-size", "200", "--stop-after", "1000",
                "--Trainer:CheckpointsTopic", topic];
            using (var first = TrainerProcess.Start(Args("announced.first")))
                Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            using (var again = TrainerProcess.Start(Args("announced.again")))
                Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            var first1 = TrainerProcess.ReadAll(broker.Bootstrap, "announced.first").Select(m => Messages.Decode<CheckpointPublished>(m.Message.Value)).ToList();
            var again1 = TrainerProcess.ReadAll(broker.Bootstrap, "announced.again").Select(m => Messages.Decode<CheckpointPublished>(m.Message.Value)).ToList();
            var final = first1.MaxBy(a => a.ModelVersion)!;
            Assert.Equal(1000, final.StreamPosition);
            var repeated = Assert.Single(again1); // resumed at the end: no new checkpoint, the old one announced again
            Assert.Equal((final.ModelVersion, final.Sha256, final.Uri, final.StreamPosition), (repeated.ModelVersion, repeated.Sha256, repeated.Uri, repeated.StreamPosition));
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }
}
