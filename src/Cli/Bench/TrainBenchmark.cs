using System.Diagnostics;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench train`: training throughput of the full-size NCF (KKBOX cardinalities) with
/// row-sparse LazyAdam, against the seed's configuration (dense Adam, batch 512) measured in the
/// same run, and the validation AUC each reached after the same number of examples.
/// </summary>
public sealed class TrainBenchmark : IBenchmark
{
    public string Name => "train";

    public string Description => "NCF training examples/s, row-sparse LazyAdam vs the seed's dense Adam (same run)";

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        long referenceExamples = args.Long("reference-examples", 200_000);
        long fastExamples = args.Long("examples", 3_000_000);
        int batch = (int)args.Long("batch", 512);
        double lr = args.Double("lr", 0.001);
        int threads = (int)args.Long("threads", 0);
        int validCount = (int)args.Long("valid", 100_000);
        string sizesName = args.Get("sizes", "kkbox");
        // for exploring settings: the reference takes minutes at full size
        bool skipReference = args.Has("no-reference");
        args.RejectUnknown();
        if (threads > 0) torch.set_num_threads(threads);
        var sizes = sizesName switch
        {
            "kkbox" => PlantedSizes.Kkbox,
            "tiny" => PlantedSizes.Tiny,
            _ => throw new UsageException("--sizes must be kkbox or tiny"),
        };

        var clock = Stopwatch.StartNew();
        int total = (int)(Math.Max(fastExamples, referenceExamples) + validCount);
        var planted = PlantedData.Generate(sizes, total, seed: 7);
        var valid = planted.Data.Slice(total - validCount, validCount);
        var validTruth = planted.TrueProbability.AsSpan(total - validCount).ToArray();
        double bestAuc = Metric.RocAuc(validTruth, valid.Labels);
        Console.WriteLine($"planted data: {total:N0} examples at KKBOX cardinalities ({sizesName}) in {clock.Elapsed.TotalSeconds:F1} s; best reachable validation AUC {bestAuc:F4}");

        var reference = skipReference
            ? new RunResult(double.NaN, double.NaN, [], 0)
            : Run("reference: seed NCF, dense Adam", planted, valid, new TrainingConfig { RowSparse = false, BatchSize = 512, LearningRate = 0.001 },
                referenceExamples, [], ct);
        var fast = Run($"row-sparse LazyAdam, batch {batch}", planted, valid, new TrainingConfig { RowSparse = true, BatchSize = batch, LearningRate = lr },
            fastExamples, [referenceExamples], ct);

        double sameCountAuc = fast.AucAt.GetValueOrDefault(referenceExamples, double.NaN);
        var details = new Dictionary<string, object>
        {
            ["data"] = $"planted data at KKBOX cardinalities ({sizesName}): users {sizes.Users}, songs {sizes.Songs}, artists {sizes.Artists}, composers {sizes.Composers}, lyricists {sizes.Lyricists}",
            ["torch_threads"] = torch.get_num_threads(),
            ["best_reachable_valid_auc"] = bestAuc,
            ["reference_examples"] = referenceExamples,
            ["reference_examples_per_s"] = reference.ExamplesPerSecond,
            ["reference_valid_auc"] = reference.FinalAuc,
            ["fast_batch"] = batch,
            ["fast_lr"] = lr,
            ["fast_examples"] = fastExamples,
            ["fast_examples_per_s"] = fast.ExamplesPerSecond,
            [$"fast_valid_auc_after_{referenceExamples}"] = sameCountAuc,
            ["fast_valid_auc_final"] = fast.FinalAuc,
            ["fast_model_and_optimizer_bytes"] = fast.StateBytes,
            ["reference_model_and_optimizer_bytes"] = reference.StateBytes,
            ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            ["machine_note"] = "2 cores shared with other sessions; numbers vary with their load",
        };
        Console.WriteLine($"AUC after {referenceExamples:N0} examples: reference {reference.FinalAuc:F4}, row-sparse {sameCountAuc:F4}; row-sparse after {fastExamples:N0}: {fast.FinalAuc:F4} (best reachable {bestAuc:F4})");
        return Task.FromResult(new BenchResult("train", fast.ExamplesPerSecond, "examples/s",
            "seed NCF config (dense Adam, batch 512, lr 0.001), same run", reference.ExamplesPerSecond, 100_000, true, details));
    }

    sealed record RunResult(double ExamplesPerSecond, double FinalAuc, Dictionary<long, double> AucAt, long StateBytes);

    static RunResult Run(string label, PlantedData.Result planted, EncodedDataset valid, TrainingConfig config, long examples,
        long[] checkpoints, CancellationToken ct)
    {
        var model = ModelFactory.Create(ModelShape.For(ModelKind.Ncf, planted.Space), seed: 1);
        using var fitter = new ModelFitter(model, config);
        var aucAt = new Dictionary<long, double>();
        var (features, labels) = planted.Data.ToTensors();
        var train = new Stopwatch();
        long done = 0, nextPrint = 0;
        var pending = new Queue<long>(checkpoints.Order());
        while (done < examples)
        {
            ct.ThrowIfCancellationRequested();
            int n = (int)Math.Min(config.BatchSize, examples - done);
            train.Start();
            using (var scope = torch.NewDisposeScope())
                fitter.TrainStep(features.narrow(0, done, n).to(torch.int64), labels.narrow(0, done, n));
            train.Stop();
            done += n;
            if (pending.Count > 0 && done >= pending.Peek()) aucAt[pending.Dequeue()] = Auc(model, valid);
            if (done >= nextPrint)
            {
                Console.Write($"\r{label}: {done:N0}/{examples:N0} examples, {done / train.Elapsed.TotalSeconds:N0} ex/s   ");
                nextPrint = done + examples / 20;
            }
        }
        Console.WriteLine();
        features.Dispose();
        labels.Dispose();
        double speed = done / train.Elapsed.TotalSeconds;
        double auc = Auc(model, valid);
        aucAt[done] = auc;
        long stateBytes = model.parameters().Sum(p => p.NumberOfElements * sizeof(float)) * (config.RowSparse ? 3 : 4);
        Console.WriteLine($"{label}: {speed:N0} examples/s over {done:N0} examples, validation AUC {auc:F4}");
        model.Dispose();
        return new RunResult(speed, auc, aucAt, stateBytes);
    }

    static double Auc(RecModel model, EncodedDataset valid) => Metric.RocAuc(model.Predict(valid), valid.Labels);
}
