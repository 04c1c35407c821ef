using System.Diagnostics;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// `kkbox bench train`: training throughput of the full-size NCF (KKBOX cardinalities: 34k members,
/// 2.3M songs, every metadata field) on planted data, three ways in one run: the seed's
/// configuration (dense Adam, batch 512, lr 0.001) as the reference; the same with row-sparse
/// LazyAdam; and the fast configuration (LazyAdam, larger batch, learning rate scaled with it).
/// Each reports examples/s and the validation AUC after the same numbers of examples.
/// </summary>
public sealed class TrainBenchmark : IBenchmark
{
    public string Name => "train";

    public string Description => "NCF training examples/s at KKBOX size: seed's dense Adam vs row-sparse LazyAdam (same run), with validation AUC";

    public Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        long referenceExamples = args.Long("reference-examples", 100_000);
        long sparseExamples = args.Long("sparse-examples", 1_000_000);
        long fastExamples = args.Long("examples", 3_000_000);
        int batch = (int)args.Long("batch", TrainingConfig.Fast.BatchSize);
        double lr = args.Double("lr", TrainingConfig.Fast.LearningRate);
        // One intra-op thread by default: on a 2-core machine shared with other work, two OpenMP
        // threads stall each other whenever a core is taken (measured here: 10x slower under load).
        int threads = (int)args.Long("threads", 1);
        int validCount = (int)args.Long("valid", 100_000);
        string sizesName = args.Get("sizes", "kkbox");
        bool skipReference = args.Has("no-reference");
        bool bf16 = TrainingConfig.Fast.Bf16Mlp && !args.Has("no-bf16"); // for exploring settings: the reference takes minutes at full size
        args.RejectUnknown();
        if (threads > 0) torch.set_num_threads(threads);
        var sizes = sizesName switch
        {
            "kkbox" => PlantedSizes.Kkbox,
            "tiny" => PlantedSizes.Tiny,
            _ => throw new UsageException("--sizes must be kkbox or tiny"),
        };

        var clock = Stopwatch.StartNew();
        long longest = new[] { referenceExamples, sparseExamples, fastExamples }.Max();
        int total = checked((int)(longest + validCount));
        var planted = PlantedData.Generate(sizes, total, seed: 7);
        var valid = planted.Data.Slice(total - validCount, validCount);
        double bestAuc = Metric.RocAuc(planted.TrueProbability.AsSpan(total - validCount).ToArray(), valid.Labels);
        Console.WriteLine($"planted data: {total:N0} examples at {sizesName} cardinalities in {clock.Elapsed.TotalSeconds:F1} s; " +
            $"torch threads {torch.get_num_threads()}; best reachable validation AUC {bestAuc:F4}");
        var (features, labels) = planted.Data.ToTensors();
        long[] checkpoints = [referenceExamples, sparseExamples, fastExamples];

        var seed = new TrainingConfig { RowSparse = false };
        var reference = skipReference ? null : Run("seed (dense Adam, batch 512)", planted, features, labels, valid, seed, referenceExamples, checkpoints, ct);
        var sparse = Run("row-sparse LazyAdam, batch 512", planted, features, labels, valid, seed with { RowSparse = true }, sparseExamples, checkpoints, ct);
        var fast = Run($"row-sparse LazyAdam, batch {batch}, lr {lr}{(bf16 ? ", bf16 MLP products" : "")}", planted, features, labels, valid,
            TrainingConfig.Fast with { BatchSize = batch, LearningRate = lr, Bf16Mlp = bf16 }, fastExamples, checkpoints, ct);
        features.Dispose();
        labels.Dispose();

        var details = new Dictionary<string, object>
        {
            ["data"] = $"planted logistic data at {sizesName} cardinalities: members {sizes.Users:N0}, songs {sizes.Songs:N0}, artists {sizes.Artists:N0}, " +
                $"composers {sizes.Composers:N0}, lyricists {sizes.Lyricists:N0}; Zipf song popularity; validation {validCount:N0} held-out examples",
            ["model"] = "NCF (Listing 1) with all 13 metadata fields, n_dim 10",
            ["torch_threads"] = torch.get_num_threads(),
            ["cpu_avx512_bf16"] = CpuFeatures.HasAvx512Bf16,
            ["load_average_at_end"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            ["best_reachable_valid_auc"] = bestAuc,
            ["runs"] = new[] { reference, sparse, fast }.Where(r => r is not null).ToArray(),
            ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            ["machine_note"] = "2 cores shared with other sessions while measured; throughput varies with their load",
        };
        foreach (var r in new[] { reference, sparse, fast })
            if (r is not null) Console.WriteLine($"{r.Label}: {r.ExamplesPerSecond:N0} ex/s; validation AUC {string.Join(", ", r.AucAfter.Select(a => $"{a.Key:N0} ex: {a.Value:F4}"))}");
        Console.WriteLine($"best reachable validation AUC {bestAuc:F4}");
        return Task.FromResult(new BenchResult("train", fast.ExamplesPerSecond, "examples/s",
            "seed NCF configuration (dense Adam, batch 512, lr 0.001), same run, same data", reference?.ExamplesPerSecond ?? 0, 100_000, true, details));
    }

    public sealed record RunResult(string Label, long Examples, double ExamplesPerSecond, SortedDictionary<long, double> AucAfter, long StateBytes, TrainingConfig Config);

    static RunResult Run(string label, PlantedData.Result planted, TorchSharp.torch.Tensor features, TorchSharp.torch.Tensor labels,
        EncodedDataset valid, TrainingConfig config, long examples, long[] checkpoints, CancellationToken ct)
    {
        using var model = ModelFactory.Create(ModelShape.For(ModelKind.Ncf, planted.Space), seed: 1);
        using var fitter = new ModelFitter(model, config);
        var aucAfter = new SortedDictionary<long, double>();
        var pending = new Queue<long>(checkpoints.Where(c => c < examples).Distinct().Order());
        var train = new Stopwatch();
        var bar = ProgressBar.ForConsole();
        long done = 0;
        while (done < examples)
        {
            ct.ThrowIfCancellationRequested();
            int n = (int)Math.Min(config.BatchSize, examples - done);
            train.Start();
            using (var scope = torch.NewDisposeScope())
                fitter.TrainStep(features.narrow(0, done, n).to(torch.int64), labels.narrow(0, done, n));
            train.Stop();
            done += n;
            // AUC checkpoints are taken off the clock
            if (pending.Count > 0 && done >= pending.Peek()) aucAfter[pending.Dequeue()] = Auc(model, valid);
            bar.Report(label, done, examples, $"{done / train.Elapsed.TotalSeconds:N0} ex/s");
        }
        aucAfter[done] = Auc(model, valid);
        // weights, plus Adam's two moments, plus (dense Adam only) a dense gradient of every table
        long stateBytes = model.parameters().Sum(p => p.NumberOfElements * sizeof(float)) * (config.RowSparse ? 3 : 4);
        return new RunResult(label, done, done / train.Elapsed.TotalSeconds, aucAfter, stateBytes, config);
    }

    static double Auc(RecModel model, EncodedDataset valid) => Metric.RocAuc(model.Predict(valid), valid.Labels);
}
