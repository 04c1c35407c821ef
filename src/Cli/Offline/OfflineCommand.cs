using System.Diagnostics;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// `kkbox offline`: trains MF, MLP, NCF and LightGBM on a KKBOX folder's train.csv (85.5 / 9.5 / 5
/// split, time order by default), evaluates them with the seed's metrics, and writes report.md,
/// metrics.json and charts/*.png.
/// </summary>
public sealed class OfflineCommand : ICommand
{
    public string[] Words => ["offline"];

    public string Usage => "offline --data DIR [--models mf,mlp,ncf,lgbm] [--split time|random] [--out DIR] [--epochs 10] [--patience 1] " +
        "[--batch 512] [--lr 0.001] [--n-dim 10] [--seed 42] [--dense] [--bf16] [--threads 1] [--lgbm-rows 1000000]";

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string data = args.Required("data");
        string split = args.Get("split", "time");
        if (split is not ("time" or "random")) throw new UsageException("--split must be time or random");
        var models = args.Get("models", "mf,mlp,ncf,lgbm").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = models.Except(OfflineOptions.KnownModels).ToList();
        if (unknown.Count > 0 || models.Length == 0) throw new UsageException($"unknown model(s) {string.Join(",", unknown)}; choose from {string.Join(",", OfflineOptions.KnownModels)}");
        string outDir = args.Get("out", Path.Combine("reports", $"offline-{Path.GetFileName(Path.TrimEndingDirectorySeparator(data))}-{split}"));
        var training = new TrainingConfig
        {
            MaxEpochs = (int)args.Long("epochs", 10),
            Patience = (int)args.Long("patience", 1),
            BatchSize = (int)args.Long("batch", 512),
            LearningRate = args.Double("lr", 0.001),
            Seed = (int)args.Long("seed", 42),
            RowSparse = !args.Has("dense"),
            Bf16Mlp = args.Has("bf16"),
        };
        int nDim = (int)args.Long("n-dim", 10);
        int lgbmRows = (int)args.Long("lgbm-rows", 1_000_000);
        // one intra-op thread by default (see TrainBenchmark): robust on a shared machine
        int threads = (int)args.Long("threads", 1);
        args.RejectUnknown();
        if (!Directory.Exists(data)) throw new UsageException($"no folder {data}");
        try { training.Validate(); } catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (threads > 0) torch.set_num_threads(threads);

        var options = new OfflineOptions(data, outDir, models, split == "time", nDim, [10, 50], 0.5, training, lgbmRows);
        var clock = Stopwatch.StartNew();
        var log = Console.Out;
        var dataset = OfflineData.Load(data, options.TimeSplit, training.Seed, log, ct);
        log.WriteLine($"split {split}: train {dataset.Train.Count:N0}, validation {dataset.Valid.Count:N0}, test {dataset.Test.Count:N0}");

        var lists = OfflineLists.Load(options, ct);
        var runner = new OfflineRunner(options, log);
        var outcomes = new List<ModelOutcome>();
        var failures = new Dictionary<string, string>();
        foreach (var m in models)
        {
            // one model failing (e.g. LightGBM's loader on very large data) must not lose the others' results
            try
            {
                outcomes.Add(runner.Run(m, dataset, ct, (name, bundle) => lists?.AddModel(name, bundle, log)));
                if (m == "lgbm") lists?.NotRanked(m, "its scores come from one FitPredict of the rows it is given; it keeps no model to rank songs with");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[m] = $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"{m} failed: {e}");
            }
        }
        if (outcomes.Count == 0) throw new InvalidOperationException("every model failed: " + string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}")));
        ModelOutcome? truth = dataset.TestTruth is { } p ? new ModelOutcome("truth", runner.Evaluate(dataset, p), [], 0, "the generator's true probabilities") : null;
        if (truth is not null) log.WriteLine($"best reachable test AUC (truth): {truth.Test.Auc:F4}");

        var charts = OfflineCharts.Write(Path.Combine(outDir, "charts"), outcomes);
        OfflineReport.Write(outDir, options, dataset, outcomes, truth, failures, charts, clock.Elapsed.TotalSeconds);
        if (lists is not null)
        {
            lists.AddBaselines(log);
            lists.AppendTo(outDir);
        }
        log.WriteLine($"wrote {Path.Combine(outDir, "report.md")}, metrics.json and {charts.Count} charts in {clock.Elapsed.TotalSeconds:F0} s");
        return Task.FromResult(failures.Count == 0 ? 0 : 1);
    }
}
