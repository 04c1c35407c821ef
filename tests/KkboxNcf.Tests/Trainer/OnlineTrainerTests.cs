using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Tests.Data;
using KkboxNcf.Trainer.Checkpointing;
using KkboxNcf.Trainer.Online;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Tests.Trainer;

public class OnlineTrainerTests
{
    static readonly OnlineTrainerOptions Small = new() { NDim = 8, Seed = 3, LearningRate = 0.01, StepBatchSize = 64, MetricsWindow = 1000 };

    static OnlineTrainer WithMetadata(OnlineTrainerOptions options)
    {
        var t = OnlineTrainer.Create(options);
        foreach (var u in StreamData.Tiny.Metadata) t.ApplyMetadata(u);
        return t;
    }

    static ListenRecorded L(string user, string song, int target = 1, long produced = 0) => new(0, user, song, "tab", "screen", "type", target, produced);

    [Fact]
    public void OnlineAucRisesWellAboveChanceOnTheTinyStream()
    {
        using var t = WithMetadata(Small);
        foreach (var batch in StreamData.Batches(StreamData.Tiny.Listens, 100)) t.Process(batch);
        Assert.Equal(StreamData.Tiny.Listens.Count, t.Position);
        Assert.Equal(StreamData.Tiny.Listens.Count, t.Trained);
        Assert.InRange(t.Metrics.Window.Auc, 0.62, 1.0);
        Assert.InRange(t.Metrics.Cumulative.Auc, 0.58, 1.0);
        // metadata was joined: members and songs that have records got their fields
        int user = t.Space[Field.User].Lookup(StreamData.Tiny.Listens[0].Msno);
        Assert.NotEqual(Vocabulary.UnknownRow, user);
        Assert.True(t.Space[Field.City].Count > 1);
        Assert.True(t.Space[Field.Artist].Count > 1);
    }

    [Fact]
    public void LateMetadataUpdatesTheJoin()
    {
        using var t = OnlineTrainer.Create(Small);
        t.Process([L("m1", "s1")]);
        Assert.Equal(1, t.Space[Field.Artist].Count); // only the unknown row: nothing known about s1 yet
        t.ApplyMetadata(new MetadataUpdate.OfSong(new SongUpdated("s1", 1000, ["g1"], ["artist-a"], [], [], 3)));
        t.ApplyMetadata(new MetadataUpdate.OfSong(new SongUpdated("s2", 1000, ["g1"], ["artist-b"], [], [], 3)));
        Assert.True(t.Space[Field.Artist].Contains("artist-a"));
        Assert.False(t.Space[Field.Artist].Contains("artist-b")); // s2 was never listened to: kept in the catalog only
        var encoded = t.Space.Encode([new KkboxNcf.Data.Listen(1, "m1", "s1", "", "", "", 1)], grow: false);
        Assert.Equal(t.Space[Field.Artist].Lookup("artist-a"), encoded.Column(Field.Artist)[0]);
    }

    [Fact]
    public void AtTheCapTheLeastRecentlySeenRowIsRecycledStartingAsTheUnknownRow()
    {
        var options = Small with { MaxUsers = 2, MaxSongs = 10 };
        using var t = OnlineTrainer.Create(options);
        t.Process([L("u1", "s1")]);
        t.Process([L("u2", "s1")]);
        t.Process([L("u1", "s1")]); // u2 is now the least recently seen
        int u2Row = t.Space[Field.User].Lookup("u2");
        t.Process([L("u3", "s1", target: -1)]); // scored, not trained: its row stays as recycled
        Assert.Equal(1, t.RecycledUsers);
        Assert.False(t.Space[Field.User].Contains("u2"));
        Assert.Equal(u2Row, t.Space[Field.User].Lookup("u3"));
        Assert.Equal(3, t.Space[Field.User].Count); // unknown + 2
        var entity = t.Model.Stores.First(s => s.Segments.Any(g => g.Field == Field.User));
        var seg = entity.Segments.First(g => g.Field == Field.User);
        var w = entity.Table.Weight;
        Assert.Equal(w[seg.Offset].data<float>().ToArray(), w[seg.Offset + u2Row].data<float>().ToArray());
    }

    [Fact]
    public void AStreamOfEverNewIdsStaysWithinTheCaps()
    {
        var options = Small with { MaxUsers = 50, MaxSongs = 80 };
        using var t = OnlineTrainer.Create(options);
        var rng = new Random(1);
        long rowsAfterWarmup = 0;
        for (int b = 0; b < 60; b++)
        {
            var batch = Enumerable.Range(0, 20).Select(i => L($"user-{b}-{i}", $"song-{b}-{i}", rng.Next(2))).ToArray();
            t.Process(batch);
            if (b == 10) rowsAfterWarmup = t.Model.Tables.Sum(x => x.Rows);
            Assert.InRange(t.Space[Field.User].Count - 1, 1, 50);
            Assert.InRange(t.Space[Field.Song].Count - 1, 1, 80);
        }
        Assert.Equal(1200 - 50, t.RecycledUsers);
        Assert.Equal(1200 - 80, t.RecycledSongs);
        Assert.Equal(rowsAfterWarmup, t.Model.Tables.Sum(x => x.Rows)); // the tables stopped growing
        Assert.Equal(1200, t.Trained);
    }

    [Fact]
    public void WithALabelDelayEventsAreScoredOnArrivalAndTrainedLater()
    {
        var options = Small with { LabelDelay = 130 };
        using var t = WithMetadata(options);
        var listens = StreamData.Tiny.Listens.Take(1000).ToArray();
        foreach (var batch in StreamData.Batches(listens, 50))
        {
            var r = t.Process(batch);
            Assert.Equal(t.Position, t.Metrics.Count); // every event scored when it arrived
            Assert.Equal(Math.Max(0, t.Position - 130), t.Trained);
            Assert.Equal(Math.Min(t.Position, 130), r.Pending);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    public async Task PreparingTheNextBatchBesideTrainingGivesTheSameModelAsOneThread(long labelDelay)
    {
        // the Trainer's read-ahead: Record of batch i-1 and Prepare of batch i+1 on another thread while batch i
        // trains; small caps make Prepare recycle rows that the batch in training still uses
        var options = Small with { LabelDelay = labelDelay, MaxUsers = 60, MaxSongs = 300 };
        var batches = StreamData.Batches(StreamData.Tiny.Listens, 40).ToArray();
        using var sequential = WithMetadata(options);
        foreach (var b in batches) sequential.Process(b);

        using var overlapped = WithMetadata(options);
        var prepared = overlapped.Prepare(batches[0]);
        ScoredBatch? previous = null;
        for (int i = 0; i < batches.Length; i++)
        {
            var scored = overlapped.Score(prepared);
            var trained = previous;
            var next = i + 1 < batches.Length ? Task.Run(() =>
            {
                if (trained is not null) overlapped.Record(trained);
                return overlapped.Prepare(batches[i + 1]);
            }) : null;
            if (next is null && trained is not null) overlapped.Record(trained);
            overlapped.Train(scored);
            previous = scored;
            if (next is not null) prepared = await next;
        }
        overlapped.Record(previous!);

        Assert.True(overlapped.RecycledUsers > 0 && overlapped.RecycledSongs > 0);
        Assert.Equal(sequential.RecycledUsers, overlapped.RecycledUsers);
        Assert.Equal(sequential.Trained, overlapped.Trained);
        Assert.Equal(sequential.Space.Cardinalities, overlapped.Space.Cardinalities);
        Assert.Equal(sequential.Metrics.Cumulative.Auc, overlapped.Metrics.Cumulative.Auc, 10);
        Assert.Equal(sequential.Metrics.Cumulative.MemberAuc, overlapped.Metrics.Cumulative.MemberAuc, 10);
        var probe = sequential.Space.Encode(StreamData.Tiny.Listens.Select(l => new KkboxNcf.Data.Listen(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target)).ToArray(), grow: false);
        var expected = sequential.Model.Predict(probe);
        var actual = overlapped.Model.Predict(probe);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Theory]
    [InlineData(64)] // one step per batch: scored by the step's own forward
    [InlineData(150)] // three steps: a separate forward before training
    public void ScoringInTheTrainingStepGivesTheScoresOfASeparateForward(int batchSize)
    {
        var options = Small with { StepBatchSize = 64 };
        var batches = StreamData.Batches(StreamData.Tiny.Listens, batchSize).ToArray();
        using var inStep = WithMetadata(options);
        using var separate = WithMetadata(options with { ScoreInTrainingStep = false });
        foreach (var b in batches)
        {
            var a = inStep.Score(inStep.Prepare(b));
            var c = separate.Score(separate.Prepare(b));
            Assert.Equal(batchSize <= 64, a.ScoredInTraining);
            Assert.False(c.ScoredInTraining);
            inStep.Train(a);
            separate.Train(c);
            Assert.Equal(c.Scores, a.Scores, (x, y) => Math.Abs(x - y) < 1e-6);
            inStep.Record(a);
            separate.Record(c);
        }
        Assert.Equal(separate.Metrics.Cumulative.Auc, inStep.Metrics.Cumulative.Auc, 6);
        Assert.InRange(inStep.Metrics.Window.Auc, 0.6, 1.0);
    }

    [Fact]
    public void TheListenHeadSeesEachMembersRecentSongsAtOnceWhateverTheLabelDelay()
    {
        using var t = OnlineTrainer.Create(Small with { HistoryLength = 3, LabelDelay = 50 });
        t.Process([L("m1", "s1"), L("m2", "s9"), L("m1", "s2")]);
        t.Process([L("m1", "s3"), L("m1", "s4", target: 0)]);
        Assert.Equal(0, t.Trained); // no label is known yet
        long Row(string song) => t.Space[Field.Song].Lookup(song);
        Assert.Equal([Row("s4"), Row("s3"), Row("s2")], t.RecentSongsOf(t.Space[Field.User].Lookup("m1")));
        Assert.Equal([Row("s9"), 0, 0], t.RecentSongsOf(t.Space[Field.User].Lookup("m2")));
        Assert.Equal(2, t.MembersWithHistory);
        Assert.Equal(3, ((IListenModel)t.Model).HistoryLength);
    }

    [Fact]
    public void ARestoredTrainerContinuesExactlyAsIfItHadNotStopped()
    {
        // small caps force recycling and a label delay keeps events pending across the checkpoint
        var options = Small with { LabelDelay = 90, MaxUsers = 60, MaxSongs = 300 };
        var listens = StreamData.Tiny.Listens;
        var batches = StreamData.Batches(listens, 40).ToArray();
        using var straight = WithMetadata(options);
        foreach (var b in batches) straight.Process(b);

        using var dir = new TempDir();
        string path = dir.File("mid.kkc");
        using (var first = WithMetadata(options))
        {
            foreach (var b in batches.Take(45)) first.Process(b);
            var manifest = new CheckpointManifest(1, "t", new Dictionary<int, long>(), first.Position, first.Trained, first.Pending, "ncf", new Dictionary<string, double>(), 0);
            CheckpointFile.Write(path, [new CheckpointSection(CheckpointManifest.SectionName, manifest.Write), .. first.Sections()]);
            Assert.True(first.Pending > 0);
            Assert.True(first.RecycledUsers > 0);
        }
        using var resumed = OnlineTrainer.Restore(options, CheckpointFile.Read(path, null));
        foreach (var u in StreamData.Tiny.Metadata) resumed.ApplyMetadata(u);
        foreach (var b in batches.Skip(45)) resumed.Process(b);

        Assert.Equal(straight.Trained, resumed.Trained);
        Assert.Equal(straight.RecycledSongs, resumed.RecycledSongs);
        Assert.Equal(straight.Space.Cardinalities, resumed.Space.Cardinalities);
        var probe = straight.Space.Encode(listens.Select(l => new KkboxNcf.Data.Listen(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target)).ToArray(), grow: false);
        var a = straight.Model.Predict(probe);
        var b2 = resumed.Model.Predict(probe);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b2[i], 5);
        Assert.Equal(straight.Metrics.Cumulative.Auc, resumed.Metrics.Cumulative.Auc, 6);
    }

    [Fact]
    public void AWarmStartContinuesFromTheOfflineModelAndStillGrows()
    {
        var listens = StreamData.Tiny.Listens;
        // "offline": a model trained on the first half, saved as a bundle
        byte[] bundleBytes;
        using (var offline = WithMetadata(Small))
        {
            foreach (var b in StreamData.Batches(listens.Take(2000).ToArray(), 100)) offline.Process(b);
            bundleBytes = new ModelBundle(offline.Space, offline.Model).ToBytes();
        }
        using var warm = OnlineTrainer.WarmStart(Small, ModelBundle.FromBytes(bundleBytes));
        using var cold = OnlineTrainer.Create(Small);
        int usersBefore = warm.Space[Field.User].Count;
        foreach (var b in StreamData.Batches(listens.Skip(2000).ToArray(), 100))
        {
            warm.Process(b);
            cold.Process(b);
        }
        Assert.Equal(2000, warm.Trained);
        Assert.True(warm.Space[Field.User].Count >= usersBefore);
        // it starts from what the offline model learnt: better online AUC on the second half than a cold start
        Assert.True(warm.Metrics.Cumulative.Auc > cold.Metrics.Cumulative.Auc,
            $"warm {warm.Metrics.Cumulative.Auc:F4} vs cold {cold.Metrics.Cumulative.Auc:F4}");
        Assert.Throws<ArgumentException>(() => OnlineTrainer.WarmStart(Small with { Kind = ModelKind.Mf }, ModelBundle.FromBytes(bundleBytes)));
    }

    [Fact]
    public void TheStoreSkipsACorruptNewestCheckpointAndDeletesPartials()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keep: 2, NullLogger.Instance);
        using var t = OnlineTrainer.Create(Small);
        for (int v = 1; v <= 3; v++)
        {
            t.Process([L($"u{v}", $"s{v}")]);
            var manifest = new CheckpointManifest(v, "t", new Dictionary<int, long> { [0] = v }, t.Position, t.Trained, 0, "ncf", new Dictionary<string, double>(), 0);
            store.Write(v, [new CheckpointSection(CheckpointManifest.SectionName, manifest.Write), .. t.Sections()]);
            store.Prune();
        }
        Assert.Equal(new long[] { 3, 2 }, store.List().Select(c => c.Version));
        var newest = store.PathOf(3);
        var bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);
        File.WriteAllText(store.PathOf(4) + CheckpointFile.PartialSuffix, "half a write");

        var loaded = store.LoadNewest(c => OnlineTrainer.Restore(Small, c));
        Assert.NotNull(loaded);
        using var restored = loaded.Value.State;
        Assert.Equal(2, loaded.Value.Manifest.ModelVersion);
        Assert.Equal(2, restored.Position);
        Assert.Equal(1, store.Skipped);
        Assert.Empty(Directory.GetFiles(dir.Path, "*" + CheckpointFile.PartialSuffix));
    }
}
