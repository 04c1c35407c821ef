using KkboxNcf.Scorer.Scoring;
using KkboxNcf.Tests.Scorer;
using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Tests.Trainer;

/// <summary>
/// The Trainer trains and the Scorer scores while other threads allocate (the Trainer's read-ahead of
/// the next batch and its metadata reader, the Scorer's HTTP and Redis threads, Kafka callbacks). A
/// collection they start must not finalize a Scalar that libtorch is still reading: before DenseAdam
/// and the held Scalars of LazyAdam, training failed here within seconds with "Expected false to be
/// true ... toFloat" from a freed Scalar (HeldScalars).
/// Alone, not beside other tests: its collections would hit the temporary Scalars of test code (e.g.
/// TorchSharp's Adam as DenseAdamTests' reference) running in parallel.
/// </summary>
[Collection(GcStressCollection.Name)]
public class GcStressTests
{
    const int Collections = 600;

    [Fact]
    public async Task TrainingSurvivesCollectionsStartedByAnotherThread()
    {
        var options = new OnlineTrainerOptions { NDim = 8, Seed = 3, LearningRate = 0.01, StepBatchSize = 64, MetricsWindow = 1000 };
        using var trainer = OnlineTrainer.Create(options);
        var batches = StreamData.Batches(StreamData.Tiny.Listens, 100).ToArray();
        int passes = await WhileCollecting(100, () =>
        {
            foreach (var b in batches) trainer.Process(b);
        });
        Assert.Equal(passes * (long)StreamData.Tiny.Listens.Count, trainer.Trained);
    }

    [Fact]
    public async Task ScoringSurvivesCollectionsStartedByAnotherThread()
    {
        using var model = TinyModel.Scoring();
        var scorer = new ListScorer(new ScoringOptions(K: 10, Candidates: 40, Discover: TinyModel.Discover));
        var members = Enumerable.Range(1, 50).Select(i => new MemberToScore($"u{i}", TinyModel.Usual, [], 0)).ToList();
        var first = scorer.Score(model, members, [], nowMs: 1);
        await WhileCollecting(10_000, () =>
        {
            var lists = scorer.Score(model, members, [], nowMs: 1);
            Assert.Equal(first.Select(l => l.Items.Select(i => i.SongId).ToArray()), lists.Select(l => l.Items.Select(i => i.SongId).ToArray()));
        });
    }

    /// <summary>Runs work over and over (at least once, at most maxRuns times) until another thread has run Collections full collections beside it; returns the runs.</summary>
    static async Task<int> WhileCollecting(int maxRuns, Action work)
    {
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var garbage = new byte[2000][];
                for (int i = 0; i < garbage.Length; i++) garbage[i] = new byte[100];
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        });
        int runs = 0;
        try
        {
            while (runs < maxRuns && (runs == 0 || Interlocked.Read(ref collections) < Collections))
            {
                work();
                runs++;
            }
        }
        finally
        {
            stop.Cancel();
            await collector;
        }
        Assert.True(collections >= Collections, $"only {collections} collections ran beside {runs} runs");
        return runs;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcStressCollection
{
    public const string Name = "GC stress (alone)";
}
