using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Tests.Trainer;

/// <summary>
/// The Trainer trains while other threads allocate (the read-ahead of the next batch, the metadata
/// reader, Kafka callbacks). A collection they start must not finalize a Scalar that libtorch is still
/// reading: before DenseAdam and the held Scalars of LazyAdam, this failed within seconds with
/// "Expected false to be true ... toFloat" from a freed eps Scalar (HeldScalars).
/// Alone, not beside other tests: its collections would hit the temporary Scalars of test code (e.g.
/// TorchSharp's Adam as DenseAdamTests' reference) running in parallel.
/// </summary>
[Collection(GcStressCollection.Name)]
public class GcStressTests
{
    [Fact]
    public async Task TrainingSurvivesCollectionsStartedByAnotherThread()
    {
        var options = new OnlineTrainerOptions { NDim = 8, Seed = 3, LearningRate = 0.01, StepBatchSize = 64, MetricsWindow = 1000 };
        using var trainer = OnlineTrainer.Create(options);
        var batches = StreamData.Batches(StreamData.Tiny.Listens, 100).ToArray();
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
        // train until 600 collections ran beside it (at least one pass, at most 100)
        int passes = 0;
        try
        {
            while (passes < 100 && (passes == 0 || Interlocked.Read(ref collections) < 600))
            {
                foreach (var b in batches) trainer.Process(b);
                passes++;
            }
        }
        finally
        {
            stop.Cancel();
            await collector;
        }
        Assert.Equal(passes * (long)StreamData.Tiny.Listens.Count, trainer.Trained);
        Assert.True(collections >= 600, $"only {collections} collections ran beside {passes} passes of training");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcStressCollection
{
    public const string Name = "GC stress (alone)";
}
